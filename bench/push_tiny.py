#!/usr/bin/env python3
"""Pushes one tiny image (a config and an empty layer) under every reference read from standard input,
to a registry (plain HTTP, or HTTPS trusting the CA file in PUSH_CA): blobs are uploaded once and mounted into the
other repositories; one manifest PUT per reference. Usage: push_tiny.py HOST [ADDRESS] < refs  (refs: HOST/repo:tag,
one a line; ADDRESS, default HOST, is where to connect)."""
import gzip, hashlib, http.client, io, json, os, sys, tarfile

host = sys.argv[1]
# Optional: the address to connect to when it differs from the references' host (a proxy in front), and the CA
# certificate of a TLS registry (PUSH_CA).
address = sys.argv[2] if len(sys.argv) > 2 else host
if os.environ.get("PUSH_CA"):
    import ssl
    conn = http.client.HTTPSConnection(address, timeout=30, context=ssl.create_default_context(cafile=os.environ["PUSH_CA"]))
else:
    conn = http.client.HTTPConnection(address, timeout=30)

def request(method, path, body=b"", headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    return r.status, r.headers, data

def sha(b): return "sha256:" + hashlib.sha256(b).hexdigest()

tar = io.BytesIO()
tarfile.open(fileobj=tar, mode="w").close()
layer = gzip.compress(tar.getvalue(), mtime=0)
# A history entry per layer: Distribution answers a manifest GET without an Accept header (docker-pkg's existence
# check) by converting to schema 1, which fails with 400 "empty history" otherwise.
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                     "rootfs": {"type": "layers", "diff_ids": [sha(tar.getvalue())]},
                     "history": [{"created": "1970-01-01T00:00:00Z", "created_by": "bench/push_tiny.py"}]}).encode()
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
    "config": {"mediaType": "application/vnd.docker.container.image.v1+json", "size": len(config), "digest": sha(config)},
    "layers": [{"mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip", "size": len(layer), "digest": sha(layer)}]}).encode()

first = None
count = 0
for line in sys.stdin:
    ref = line.strip()
    if not ref: continue
    if not ref.startswith(host + "/"): sys.exit("not in %s: %s" % (host, ref))
    repo, tag = ref[len(host) + 1:].rsplit(":", 1)
    for blob in (config, layer):
        if first is None:
            s, h, _ = request("POST", "/v2/%s/blobs/uploads/" % repo)
            assert s == 202, s
            loc = h["Location"]
            loc = loc[loc.index("/v2/"):] if "/v2/" in loc else loc
            s, _, _ = request("PUT", loc + ("&" if "?" in loc else "?") + "digest=" + sha(blob), blob,
                              {"Content-Type": "application/octet-stream"})
            assert s == 201, s
        else:
            s, h, _ = request("POST", "/v2/%s/blobs/uploads/?mount=%s&from=%s" % (repo, sha(blob), first))
            assert s == 201, (s, repo)
    first = first or repo
    s, _, d = request("PUT", "/v2/%s/manifests/%s" % (repo, tag), manifest,
                      {"Content-Type": "application/vnd.docker.distribution.manifest.v2+json"})
    assert s == 201, (s, d)
    count += 1
print("pushed %d references" % count, file=sys.stderr)
