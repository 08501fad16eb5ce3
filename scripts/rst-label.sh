#!/bin/sh
# Regenerate pkg/dist/rst/testdata/labels.jsonl: run the readme_renderer
# oracle (scripts/rst-oracle.py) over every .rst file under
# pkg/dist/rst/testdata and write one JSON line per file, sorted by path.
# Needs Debian's /usr/bin/python3 with python3-readme-renderer.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
td="$root/pkg/dist/rst/testdata"
py=${RST_ORACLE_PYTHON:-/usr/bin/python3}

if ! "$py" -c 'import readme_renderer.rst, docutils' 2>/dev/null; then
	echo "rst-label: $py cannot import readme_renderer and docutils." >&2
	echo "rst-label: install them with: apt-get update && apt-get install -y python3-readme-renderer python3-docutils" >&2
	exit 2
fi

cd "$td"
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
find corpus heldout -type f -name '*.rst' 2>/dev/null | LC_ALL=C sort >"$tmp.list"
if [ ! -s "$tmp.list" ]; then
	echo "rst-label: no .rst files under $td" >&2
	rm -f "$tmp.list"
	exit 1
fi
# xargs could split the list into several oracle runs; order is kept either way.
tr '\n' '\0' <"$tmp.list" | xargs -0 "$py" "$root/scripts/rst-oracle.py" >"$tmp"
rm -f "$tmp.list"
want=$(find corpus heldout -type f -name '*.rst' | wc -l)
got=$(wc -l <"$tmp")
if [ "$want" -ne "$got" ]; then
	echo "rst-label: oracle labelled $got of $want files" >&2
	exit 1
fi
mv "$tmp" labels.jsonl
trap - EXIT
chmod 644 labels.jsonl
echo "rst-label: wrote $got labels to pkg/dist/rst/testdata/labels.jsonl ($("$py" "$root/scripts/rst-oracle.py" --version))" >&2
