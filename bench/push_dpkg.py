#!/usr/bin/env python3
"""Pushes a Debian-like image for every image of a generated tree (gen_tree.py), for the security scan benchmark:
a shared base layer (BASE_MB of incompressible data under usr/, then var/lib/dpkg/status with PACKAGES packages, then
OTHER_MB more, as a real Debian layer has files after var/lib/dpkg), and per tree image one layer of its own: every
INSTALL_EVERY-th image "installs" a package (a new var/lib/dpkg/status plus OWN_KB of data), the others add only a
file. Configs record org.opencontainers.image.base.name/.digest like Image Tree's builds.
Usage: push_dpkg.py HOST TREE_DIR [--base-mb 25] [--other-mb 5] [--packages 120] [--own-kb 512] [--install-every 3]
Prints the number of images and of distinct layers."""
import argparse, gzip, hashlib, http.client, io, json, os, random, re, sys, tarfile

p = argparse.ArgumentParser()
p.add_argument("host")
p.add_argument("tree")
p.add_argument("--base-mb", type=float, default=25)
p.add_argument("--other-mb", type=float, default=5)
p.add_argument("--packages", type=int, default=120)
p.add_argument("--own-kb", type=int, default=512)
p.add_argument("--install-every", type=int, default=3)
a = p.parse_args()
conn = http.client.HTTPConnection(a.host, timeout=120)

def request(method, path, body=b"", headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    return r.status, r.headers, r.read()

def sha(b): return "sha256:" + hashlib.sha256(b).hexdigest()

def layer(entries):
    """entries: (path, bytes) files or (path, '->target') symlinks, in order."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in entries:
            info = tarfile.TarInfo(path)
            info.mtime = 0
            if isinstance(data, str):
                info.type = tarfile.SYMTYPE
                info.linkname = data[2:]
                t.addfile(info)
            else:
                info.size = len(data)
                t.addfile(info, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), compresslevel=1, mtime=0)

pushed = set()
def push_blob(repo, data):
    d = sha(data)
    if (repo, d) in pushed: return d
    s, h, _ = request("HEAD", "/v2/%s/blobs/%s" % (repo, d))
    if s != 200:
        s, h, _ = request("POST", "/v2/%s/blobs/uploads/" % repo)
        loc = h["Location"]
        loc = loc[loc.index("/v2/"):] if "/v2/" in loc else loc
        sep = "&" if "?" in loc else "?"
        s, h, body = request("PUT", "%s%sdigest=%s" % (loc, sep, d), data, {"Content-Type": "application/octet-stream"})
        if s not in (201, 202): sys.exit("blob upload %s: %d %s" % (repo, s, body[:200]))
    pushed.add((repo, d))
    return d

def push_image(ref, layers, labels):
    repo, tag = ref[len(a.host) + 1:].rsplit(":", 1)
    descs = [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "size": len(l), "digest": push_blob(repo, l)} for l in layers]
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Labels": labels},
                         "rootfs": {"type": "layers", "diff_ids": [d["digest"] for d in descs]}}, sort_keys=True).encode()
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "size": len(config), "digest": push_blob(repo, config)},
        "layers": descs}).encode()
    s, h, body = request("PUT", "/v2/%s/manifests/%s" % (repo, tag), manifest, {"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    if s != 201: sys.exit("manifest %s: %d %s" % (ref, s, body[:200]))
    return sha(manifest)

def stanza(name, version):
    return "Package: %s\nStatus: install ok installed\nPriority: optional\nVersion: %s\nDescription: %s\n" % (name, version, name)

rnd = random.Random(1)
base_status = "\n".join(stanza("deb-pkg-%03d" % i, "1.%d-1" % i) for i in range(a.packages)) + "\n"
base = layer([("etc/os-release", "->../usr/lib/os-release"),
              ("usr/lib/os-release", b'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n'),
              ("usr/lib/x86_64-linux-gnu/blob.so", rnd.randbytes(int(a.base_mb * 1048576))),
              ("var/lib/dpkg/status", base_status.encode()),
              ("var/lib/dpkg/zz-after.bin", rnd.randbytes(int(a.other_mb * 1048576)))])
base_ref = a.host + "/bookworm:latest"
base_digest = push_image(base_ref, [base], {})

# The tree: name -> (version, parent name or None), from changelogs and control files.
images = {}
for name in sorted(os.listdir(a.tree)):
    d = os.path.join(a.tree, name)
    if not os.path.isfile(os.path.join(d, "changelog")): continue
    version = re.match(r"\S+ \(([^)]+)\)", open(os.path.join(d, "changelog")).readline()).group(1)
    parent = None
    control = os.path.join(d, "control")
    if os.path.exists(control):
        m = re.search(r"^Depends:\s*([^\s,]+)", open(control).read(), re.M)
        if m: parent = m.group(1)
    images[name] = (version, parent)

done = {}  # name -> (ref, digest, layers, status)
def push_tree_image(name):
    if name in done: return done[name]
    version, parent = images[name]
    if parent:
        pref, pdigest, players, pstatus = push_tree_image(parent)
    else:
        pref, pdigest, players, pstatus = base_ref, base_digest, [base], base_status
    i = len(done)
    if i % a.install_every == 0:
        status = pstatus + "\n" + stanza("pkg-" + name, "1.0-1")
        own = layer([("usr/share/" + name + "/data.bin", rnd.randbytes(a.own_kb * 1024)), ("var/lib/dpkg/status", status.encode())])
    else:
        status = pstatus
        own = layer([("etc/" + name + ".conf", ("name=%s\n" % name).encode())])
    layers = players + [own]
    ref = "%s/%s:%s" % (a.host, name, version)
    digest = push_image(ref, layers, {"org.opencontainers.image.base.name": pref, "org.opencontainers.image.base.digest": pdigest})
    done[name] = (ref, digest, layers, status)
    return done[name]

for n in images: push_tree_image(n)
distinct = {sha(l) for v in done.values() for l in v[2]}
print("%d images, %d distinct layers, base layer %d bytes" % (len(done), len(distinct), len(base)))
