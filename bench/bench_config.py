#!/usr/bin/env python3
"""Writes the benchmark config: the production config with the registry moved to ours. base_images keep their
production names too, because templates that hard-code docker-registry.wikimedia.org/<base> (golang/1.15) refer
to a base image in production, which is never checked; allowed_registries names both registries so the registry
policy accepts them. Usage: bench_config.py CONFIG HOST > bench.yaml"""
import sys
src, host = sys.argv[1:]
out = []
for line in open(src):
    out.append(line.replace("docker-registry.wikimedia.org", host))
    if line.lstrip().startswith("- docker-registry.wikimedia.org/"):
        out.append(line)
out.append("allowed_registries:\n  - %s\n  - docker-registry.wikimedia.org\n" % host)
print("".join(out), end="")
