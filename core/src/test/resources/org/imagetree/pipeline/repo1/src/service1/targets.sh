#!/bin/sh
# What repo1's Makefile targets do, without make in the image.
case "$1" in
  unit) echo "service1 unit tests" ;;
  lint) echo "service1 linters" ;;
  *) echo "no target $1" >&2; exit 2 ;;
esac
