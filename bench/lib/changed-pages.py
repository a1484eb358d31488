#!/usr/bin/env python3
"""Ground truth for the differential benchmark, independent of both backup tools.

  changed-pages.py snapshot DATA_DIR SNAPSHOT   CRC32 of every 8 KiB page of every relation file
  changed-pages.py changed  DATA_DIR SNAPSHOT OUT
      writes the pages that differ from the snapshot (or are new) to OUT, prints their count

Run both after a CHECKPOINT, so the files hold what the server has written.
"""
import json
import os
import re
import sys
import zlib

PAGE = 8192
RELATION = re.compile(r"^(base/\d+|global)/\d+(_vm|_fsm)?(\.\d+)?$")


def relation_files(data_dir):
    for root, _, files in os.walk(data_dir):
        for name in files:
            path = os.path.join(root, name)
            rel = os.path.relpath(path, data_dir)
            if RELATION.match(rel):
                yield rel, path


def pages(path):
    with open(path, "rb") as f:
        while True:
            page = f.read(PAGE)
            if not page:
                return
            yield page


def snapshot(data_dir, out):
    crcs = {rel: [zlib.crc32(p) for p in pages(path)] for rel, path in relation_files(data_dir)}
    with open(out, "w") as f:
        json.dump(crcs, f)


def changed(data_dir, snap, out):
    with open(snap) as f:
        before = json.load(f)
    count = 0
    with open(out, "wb") as o:
        for rel, path in relation_files(data_dir):
            old = before.get(rel, [])
            for i, page in enumerate(pages(path)):
                if i >= len(old) or old[i] != zlib.crc32(page):
                    o.write(page)
                    count += 1
    print(count)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "snapshot":
        snapshot(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == "changed":
        changed(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit(__doc__)
