#!/bin/sh
# Regenerate the labels of pkg/dist/rst/testdata: run the readme_renderer
# oracle (scripts/rst-oracle.py) over every .rst file under corpus/ and
# heldout/ and write one JSON line per file, sorted by path.
#
#   scripts/rst-label.sh                    Debian's docutils + readme_renderer
#                                           -> labels.jsonl
#   scripts/rst-label.sh --pypi-stack DIR   the docutils and readme_renderer
#                                           sources in DIR (the versions PyPI
#                                           runs, see testdata/README.md)
#                                           -> labels-pypi.jsonl
#
# Both need Debian's /usr/bin/python3 with python3-readme-renderer (its
# dependencies are reused; with --pypi-stack only docutils and readme_renderer
# come from DIR).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
td="$root/pkg/dist/rst/testdata"
py=${RST_ORACLE_PYTHON:-/usr/bin/python3}
out=labels.jsonl
stack=
if [ "${1:-}" = "--pypi-stack" ]; then
	[ $# -eq 2 ] || { echo "usage: $0 [--pypi-stack DIR]" >&2; exit 2; }
	stack=$(cd "$2" && pwd)
	out=labels-pypi.jsonl
	for m in docutils readme_renderer; do
		if [ ! -f "$stack/$m/__init__.py" ]; then
			echo "rst-label: $stack/$m/__init__.py missing (see pkg/dist/rst/testdata/README.md)" >&2
			exit 2
		fi
	done
elif [ $# -ne 0 ]; then
	echo "usage: $0 [--pypi-stack DIR]" >&2
	exit 2
fi

if ! "$py" -c 'import readme_renderer.rst, docutils' 2>/dev/null; then
	echo "rst-label: $py cannot import readme_renderer and docutils." >&2
	echo "rst-label: install them with: apt-get update && apt-get install -y python3-readme-renderer python3-docutils" >&2
	exit 2
fi

tmpd=$(mktemp -d)
trap 'rm -rf "$tmpd"' EXIT
if [ -n "$stack" ]; then
	# readme_renderer >= 42 imports nh3 (a compiled sanitizer Debian 12 lacks).
	# It only cleans the HTML of a successful rendering, so the verdict does
	# not depend on it: stand in for it when it is missing.
	if ! PYTHONPATH="$stack" "$py" -c 'import nh3' 2>/dev/null; then
		mkdir "$tmpd/nh3"
		cat >"$tmpd/nh3/__init__.py" <<'PY'
"""Stand-in for nh3 used only by scripts/rst-label.sh (verdicts only)."""
ALLOWED_TAGS = set()
ALLOWED_ATTRIBUTES = {}


def clean(html, **kwargs):
    return html
PY
	fi
	PYTHONPATH="$stack:$tmpd${PYTHONPATH:+:$PYTHONPATH}"
	export PYTHONPATH
fi

cd "$td"
find corpus heldout -type f -name '*.rst' 2>/dev/null | LC_ALL=C sort >"$tmpd/list"
want=$(wc -l <"$tmpd/list")
if [ "$want" -eq 0 ]; then
	echo "rst-label: no .rst files under $td" >&2
	exit 1
fi
# xargs may split the list into several oracle runs; the order is kept.
tr '\n' '\0' <"$tmpd/list" | xargs -0 "$py" "$root/scripts/rst-oracle.py" >"$tmpd/labels"
got=$(wc -l <"$tmpd/labels")
if [ "$want" -ne "$got" ]; then
	echo "rst-label: oracle labelled $got of $want files" >&2
	exit 1
fi
cp "$tmpd/labels" "$out"
fails=$(grep -c '"ok":false' "$out" || true)
echo "rst-label: wrote $got labels ($fails failing) to pkg/dist/rst/testdata/$out with $("$py" "$root/scripts/rst-oracle.py" --version)" >&2
