#!/usr/bin/env python3
"""Every reference a no-op build of a rendered tree needs in the registry: labels and their latest, in-registry
FROMs, base images.
Usage: refs_to_push.py HOST render.json config.yaml"""
import json, re, sys
host, render, cfg = sys.argv[1:]
refs = set()
for img in json.load(open(render)).values():
    refs.add(img["label"])
    # A published image carries latest too (docker-pkg publishes both; a missing latest is a `tag` action).
    refs.add(img["label"].rsplit(":", 1)[0] + ":latest")
    for line in img["dockerfile"].splitlines():
        m = re.match(r"\s*FROM\s+(?:--\S+\s+)*(\S+)", line, re.I)
        if m and m.group(1).startswith(host + "/"):
            ref = m.group(1)
            refs.add(ref if ":" in ref.split("/")[-1] else ref + ":latest")
for line in open(cfg):
    m = re.match(r"\s*-\s*(" + re.escape(host) + r"/\S+)", line)
    if m: refs.add(m.group(1))
print("\n".join(sorted(refs)))
