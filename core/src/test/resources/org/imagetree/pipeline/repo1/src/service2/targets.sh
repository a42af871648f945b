#!/bin/sh
echo "service2 test"
