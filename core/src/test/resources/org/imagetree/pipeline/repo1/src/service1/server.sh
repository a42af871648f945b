#!/bin/bash
# repo1's service: answers "foo" on port 7530 (built and published by the service1 pipeline, never run by it).
while true; do
  printf 'HTTP/1.1 200 OK\r\n\r\nfoo\n' | nc -l 0.0.0.0 7530
done
