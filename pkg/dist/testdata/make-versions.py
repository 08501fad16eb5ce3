#!/usr/bin/python3
"""Regenerate versions.txt: version strings and pypa/packaging's verdict.

Each line is "<input>\t<str(Version(input))>" or "<input>\tINVALID".
Run with /usr/bin/python3 (Debian's python3-packaging); inputs are built from
fragments so every spelling and separator combination appears.
"""
import itertools
import random
import sys

from packaging.version import InvalidVersion, Version

random.seed(440)
heads = ["", "v", "V", " ", "1!", "v0!", "01!", "!"]
rels = ["1", "1.0", "01.002", "1.0.0", "2024.1", "1.", "1..2", ".1", "0", "1.0.0.0.0"]
pres = ["", "a", "A1", ".a", "-a", "_a", "a.", "a-1", "a_1", "alpha", "Beta2", "b", "c", "rc", "RC.3",
        "pre", "preview1", ".preview.2", "a1a", "-c-", "r"]
posts = ["", "-1", "-", ".post", "post1", "-post-2", "_r3", "rev", ".rev.4", "r", "-r", ".post.",
         ".post1.post2", "p1"]
devs = ["", ".dev", "dev1", "-dev-2", "_DEV3", ".dev.", "dev-", "devel"]
locs = ["", "+", "+abc", "+ABC-1_x", "+1.2", "+007", "+a..b", "+a.", "+ü", "+a_b-c.D", "+.a"]
tails = ["", " ", "\x0b", "x"]

cases = set()
for h, r, p, po, d, l in itertools.product(heads[:4], rels[:5], pres, posts, devs[:4], locs[:4]):
    if random.random() < 0.08:
        cases.add(h + r + p + po + d + l)
for _ in range(6000):
    cases.add(random.choice(heads) + random.choice(rels) + random.choice(pres) + random.choice(posts)
              + random.choice(devs) + random.choice(locs) + random.choice(tails))
lines = []
for c in sorted(cases):
    try:
        out = str(Version(c))
    except InvalidVersion:
        out = "INVALID"
    lines.append(f"{c}\t{out}")
sys.stdout.write("\n".join(lines) + "\n")
