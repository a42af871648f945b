#!/usr/bin/env python3
"""Docker's own floor for benchmark 3: the same images as plain `docker build`s, level by level (every image of a
level at once, the next level when all of it is done), with nothing of Image Tree in between.
Usage: docker_floor.py RENDER_JSON WORKDIR [--docker /usr/bin/docker] [--builder buildkit|classic]
RENDER_JSON is `imagetree render --format json` of the tree (label, depends, dockerfile of each image). Prints the wall
seconds of the whole run on the last line ("floor N.NN"); exits non-zero if a build fails."""
import argparse, json, os, subprocess, sys, time

p = argparse.ArgumentParser()
p.add_argument("render")
p.add_argument("work")
p.add_argument("--docker", default="/usr/bin/docker")
p.add_argument("--builder", default="buildkit", choices=["buildkit", "classic"])
a = p.parse_args()
images = json.load(open(a.render))
level = {}
def level_of(name):
    if name not in level:
        deps = [d for d in images[name].get("depends", []) if d in images]
        level[name] = 1 + max((level_of(d) for d in deps), default=0)
    return level[name]
levels = {}
for n in images:
    levels.setdefault(level_of(n), []).append(n)
for n, i in images.items():
    d = os.path.join(a.work, n)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "Dockerfile"), "w") as f:
        f.write(i["dockerfile"] + "\n")
env = dict(os.environ, DOCKER_BUILDKIT="1" if a.builder == "buildkit" else "0")
t0 = time.time()
for lvl in sorted(levels):
    procs = []
    for n in levels[lvl]:
        # As Image Tree builds: host network, no cache, the image's own directory as the context.
        cmd = [a.docker, "build", "--network", "host", "--no-cache", "-q", "-t", images[n]["label"], os.path.join(a.work, n)]
        procs.append((n, subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)))
    for n, pr in procs:
        _, err = pr.communicate()
        if pr.returncode != 0:
            sys.stderr.write("docker build of %s failed:\n%s" % (n, err.decode(errors="replace")))
            sys.exit(1)
    print("level %d: %d images done at %.2f s" % (lvl, len(levels[lvl]), time.time() - t0), flush=True)
print("floor %.2f" % (time.time() - t0))
