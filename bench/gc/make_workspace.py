#!/usr/bin/env python3
"""Writes a synthetic workspace for the gc/du benchmark: OBJECTS small
objects (one in ten a directory of four files), an action-cache record for
each, and RUNS run manifests that each name a slice of the objects."""
import json, os, random, sys

root, n_objects, n_runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(7)
digests = []
for i in range(n_objects):
    h = "%032x" % rng.getrandbits(128)
    d = "xxh3:" + h
    digests.append(d)
    p = os.path.join(root, "objects", h[:2], h)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if i % 10 == 0:
        os.makedirs(p)
        for j in range(4):
            with open(os.path.join(p, "f%d" % j), "w") as f:
                f.write("x" * (100 + j))
        out = {"digest": d, "size": 406, "dir": True, "files": 4}
    else:
        with open(p, "w") as f:
            f.write("y" * (200 + i % 50))
        out = {"digest": d, "size": 200 + i % 50}
    k = "%032x" % rng.getrandbits(128)
    rec = {"key": "xxh3:" + k, "kind": "exec", "version": "1", "outputs": {"o": out}, "duration_ms": 1, "created": "2026-01-01T00:00:00Z"}
    rp = os.path.join(root, "ac", k[:2], k + ".json")
    os.makedirs(os.path.dirname(rp), exist_ok=True)
    with open(rp, "w") as f:
        json.dump(rec, f)
per_run = max(n_objects // n_runs, 1)
for r in range(n_runs):
    rid = "20260101T%06d.000Z-bench" % r
    stages = []
    for s, d in enumerate(digests[r * per_run:(r + 1) * per_run]):
        stages.append({"name": "s%d" % (s % 20), "stage": "s%d" % (s % 20), "kind": "exec", "version": "1", "status": "ran",
                       "params": {}, "seed": 0, "inputs": [], "outputs": [{"port": "o", "digest": d, "size": 1}], "metrics": {},
                       "duration_ms": 1, "cpu_seconds": 0, "peak_rss_bytes": 0})
    m = {"schema_version": 1, "run_id": rid, "started_at": "2026-01-01T00:%02d:%02dZ" % (r // 60 % 60, r % 60),
         "finished_at": "2026-01-01T01:00:00Z", "status": "succeeded", "stages": stages}
    os.makedirs(os.path.join(root, "runs", rid, "logs"), exist_ok=True)
    with open(os.path.join(root, "runs", rid, "manifest.json"), "w") as f:
        json.dump(m, f)
