#!/bin/sh
# The Makefile should have been excluded from the build context (build.excludes).
[ ! -f Makefile ]
