#!/usr/bin/env python3
"""Generates a docker-pkg tree of N images for the benchmarks: LEVELS levels of equal width, each image below
level 1 built FROM one image of the level above through image_tag (and declared in control), a changelog
of ENTRIES realistic entries (newest first), and a template of a few instructions.
Usage: gen_tree.py N DIR [--levels 8] [--entries 20] [--base REF] [--step 'RUN sleep 3'] [--seed 7] [--prefix img]"""
import argparse, datetime, os, random

p = argparse.ArgumentParser()
p.add_argument("n", type=int)
p.add_argument("dir")
p.add_argument("--levels", type=int, default=8)
p.add_argument("--entries", type=int, default=20)
p.add_argument("--base", default="{{ registry }}/bookworm:latest")
p.add_argument("--step", default=None, help="one extra Dockerfile line (e.g. 'RUN sleep 3')")
p.add_argument("--seed", type=int, default=7)
p.add_argument("--prefix", default="img")
a = p.parse_args()
rnd = random.Random(a.seed)
width = -(-a.n // a.levels)
names = ["%s-%06d" % (a.prefix, i) for i in range(a.n)]
level_of = lambda i: i // width
start = datetime.datetime(2026, 8, 16, 6, 0, 30, tzinfo=datetime.timezone.utc)

def changelog(name, version):
    out = []
    for k in range(a.entries):
        when = start - datetime.timedelta(days=7 * k)
        rev = a.entries - k
        text = "Weekly rebuild." if k % 3 else "Upgrade the runtime and rebuild (T%d)." % (300000 + k)
        out.append("%s (%s-%d-%s) wikimedia; urgency=medium\n\n  * %s\n\n -- Image build Bot <root@wikimedia.org>  %s\n"
                   % (name, version, rev, when.strftime("%Y%m%d"), text, when.strftime("%a, %d %b %Y %H:%M:%S +0000")))
    return "\n".join(out)

for i, name in enumerate(names):
    d = os.path.join(a.dir, name)
    os.makedirs(d, exist_ok=True)
    lvl = level_of(i)
    parent = None
    if lvl > 0:
        lo = (lvl - 1) * width
        parent = names[rnd.randrange(lo, min(lo + width, a.n))]
    with open(os.path.join(d, "control"), "w") as f:
        f.write("Package: %s\nDescription: Generated image %d at level %d.\nMaintainer: Bench <bench@example.org>\n" % (name, i, lvl + 1))
        if parent: f.write("Depends: %s\n" % parent)
    with open(os.path.join(d, "changelog"), "w") as f:
        f.write(changelog(name, "1.%d.%d" % (lvl, i % 97)))
    frm = '{{ "%s" | image_tag }}' % parent if parent else a.base
    lines = ["FROM " + frm, "USER root",
             "ENV IMAGE_NAME=%s LEVEL=%d" % (name, lvl + 1),
             'LABEL org.wikimedia.generated="{{ "%s" }}"' % name]
    if a.step: lines.append(a.step)
    else: lines.append("RUN echo %s > /etc/generated-image" % name)
    lines.append('USER {{ "nobody" | uid }}')
    with open(os.path.join(d, "Dockerfile.template"), "w") as f:
        f.write("\n".join(lines) + "\n")
print("generated %d images in %d levels of width %d under %s" % (a.n, a.levels, width, a.dir))
