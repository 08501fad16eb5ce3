#!/bin/sh
# make-real-dists.sh: build small real wheels and sdists with real build
# backends, for pkg/dist's tests and the CLI's.
#
#   testdata/dists/good/  correct wheel + sdist from setuptools, hatchling, flit
#   testdata/dists/bad/   what those backends (Debian bookworm's versions) get
#                         wrong, plus hand-broken archives:
#     My.Package-*            setuptools 66 keeps "My.Package" in file names
#                             (not PEP 625 / PEP 491 normalized)
#     pyup_badrst-*           hatchling, a README.rst that fails to render
#     pyup_licexpr-*          hatchling 1.12, License-Expression in metadata 2.1
#     truncated-*.whl         a good wheel cut in half
#     corrupt-*.tar.gz        a good sdist with its gzip CRC overwritten
#
# Needs (Debian): apt-get install -y python3-build python3-setuptools
# python3-wheel python3-hatchling flit. Run from anywhere; it writes into the
# repository's testdata/dists/. Builds are reproducible (SOURCE_DATE_EPOCH).
set -eu

repo=$(cd "$(dirname "$0")/.." && pwd)
out="$repo/testdata/dists"
py=/usr/bin/python3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export SOURCE_DATE_EPOCH=1704164646
rm -rf "$out/good" "$out/bad"
mkdir -p "$out/good" "$out/bad"

license() {
	cat > "$1/LICENSE" <<'LIC'
MIT License

Copyright (c) 2024 pyup tests

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software, to deal in it without restriction.
LIC
}

build() { # build <project dir> <destination dir>
	(cd "$1" && "$py" -m build --no-isolation --skip-dependency-check --outdir "$work/dist-$(basename "$1")" . >"$work/build.log" 2>&1) ||
		{ cat "$work/build.log"; exit 1; }
	cp "$work/dist-$(basename "$1")"/* "$2"/
}

# 1. setuptools, RST description, a one-word name (setuptools 66 escapes '-'
#    and '_' wrongly in sdist names, see 4).
p="$work/setuptools"
mkdir -p "$p/pyupsample"
license "$p"
cat > "$p/pyproject.toml" <<'TOML'
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "pyupsample"
version = "1.0.0"
description = "A sample built by setuptools for pyup's tests"
readme = "README.rst"
requires-python = ">=3.8"
license = {text = "MIT"}
authors = [{name = "Pyup Tests", email = "tests@example.org"}]
classifiers = [
    "Programming Language :: Python :: 3",
    "License :: OSI Approved :: MIT License",
    "Operating System :: OS Independent",
]

[project.urls]
Homepage = "https://example.org/pyupsample"
TOML
cat > "$p/README.rst" <<'RST'
pyupsample
==========

A *sample* built with **setuptools**.

- one
- two

.. code-block:: python

   import pyupsample
RST
echo '__version__ = "1.0.0"' > "$p/pyupsample/__init__.py"
build "$p" "$out/good"

# 2. hatchling, Markdown description.
p="$work/hatch"
mkdir -p "$p/src/pyup_hatch_sample"
license "$p"
cat > "$p/pyproject.toml" <<'TOML'
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "pyup-hatch-sample"
version = "0.3.1"
description = "A sample built by hatchling for pyup's tests"
readme = "README.md"
requires-python = ">=3.8"
license = {text = "MIT"}
authors = [{name = "Pyup Tests", email = "tests@example.org"}]
classifiers = [
    "Development Status :: 4 - Beta",
    "Programming Language :: Python :: 3",
]
dependencies = ["packaging>=20"]

[project.optional-dependencies]
test = ["pytest"]
TOML
printf '# pyup-hatch-sample\n\nA sample built with **hatchling**.\n\n```python\nimport pyup_hatch_sample\n```\n' > "$p/README.md"
echo '__version__ = "0.3.1"' > "$p/src/pyup_hatch_sample/__init__.py"
build "$p" "$out/good"

# 3. flit, Markdown description.
p="$work/flit"
mkdir -p "$p/pyup_flit_sample"
license "$p"
cat > "$p/pyproject.toml" <<'TOML'
[build-system]
requires = ["flit_core>=3.2,<4"]
build-backend = "flit_core.buildapi"

[project]
name = "pyup_flit_sample"
version = "2.0.0rc1"
description = "A sample built by flit for pyup's tests"
readme = "README.md"
requires-python = ">=3.8"
license = {file = "LICENSE"}
authors = [{name = "Pyup Tests", email = "tests@example.org"}]
classifiers = ["Programming Language :: Python :: 3", "License :: OSI Approved :: MIT License"]
TOML
printf '# pyup_flit_sample\n\nA sample built with *flit*.\n' > "$p/README.md"
printf '"""A sample built with flit."""\n__version__ = "2.0.0rc1"\n' > "$p/pyup_flit_sample/__init__.py"
build "$p" "$out/good"

# 4. setuptools 66 and a name with '.' and capitals: it writes
#    My.Package-1.0.tar.gz (PEP 625 wants my_package-1.0.tar.gz) and a wheel
#    named My.Package-1.0-py3-none-any.whl.
p="$work/mypackage"
mkdir -p "$p/my_package"
cat > "$p/pyproject.toml" <<'TOML'
[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "My.Package"
version = "1.0"
description = "setuptools 66 does not normalize this name in file names"
readme = {text = "Plain text.", content-type = "text/plain"}

[tool.setuptools]
packages = ["my_package"]
TOML
echo '' > "$p/my_package/__init__.py"
build "$p" "$out/bad"

# 5. hatchling with a README.rst that PyPI cannot render.
p="$work/badrst"
mkdir -p "$p/src/pyup_badrst"
cat > "$p/pyproject.toml" <<'TOML'
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "pyup-badrst"
version = "1.0"
description = "Its README.rst does not render"
readme = "README.rst"
TOML
printf 'Title\n===\n\nSee `the docs <https://example.org>`_ and `unclosed\n\n.. unknown-directive:: x\n' > "$p/README.rst"
echo '' > "$p/src/pyup_badrst/__init__.py"
build "$p" "$out/bad"

# 6. hatchling 1.12 and an SPDX license string: it writes License-Expression
#    under Metadata-Version 2.1 (the field needs 2.4), which PyPI refuses.
p="$work/licexpr"
mkdir -p "$p/src/pyup_licexpr"
license "$p"
cat > "$p/pyproject.toml" <<'TOML'
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "pyup-licexpr"
version = "1.0"
description = "License-Expression under Metadata-Version 2.1"
requires-python = ">=3.8"
license = "MIT"
TOML
echo '' > "$p/src/pyup_licexpr/__init__.py"
build "$p" "$out/bad"

# 7. Hand-broken copies of good files.
whl=$(ls "$out/good"/pyupsample-*.whl)
size=$(wc -c < "$whl")
head -c $((size / 2)) "$whl" > "$out/bad/truncated-1.0-py3-none-any.whl"
sd=$(ls "$out/good"/pyupsample-*.tar.gz)
cp "$sd" "$out/bad/corrupt-1.0.tar.gz"
size=$(wc -c < "$sd")
# The gzip trailer's CRC-32 is the last 8 bytes' first 4: overwrite them.
printf '\377\377\377\377' | dd of="$out/bad/corrupt-1.0.tar.gz" bs=1 seek=$((size - 8)) conv=notrunc 2>/dev/null

chmod 644 "$out"/good/* "$out"/bad/*
ls -l "$out/good" "$out/bad"
