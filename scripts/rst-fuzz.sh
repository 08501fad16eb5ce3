#!/bin/sh
# Exercise pkg/dist/rst beyond the unit tests:
#   1. fuzz Check for FUZZTIME (default 3m): no panic, bounded time;
#   2. when Debian's docutils is available (/usr/bin/python3 with
#      readme_renderer), compare Check with docutils on N mutated corpus
#      files (default 2000) and, if RST_DIR is set, on every *.rst there.
# Crashers land in pkg/dist/rst/testdata/fuzz/FuzzCheck: commit them as seeds.
set -eu
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-3m}
N=${N:-2000}
go test ./pkg/dist/rst/ -run XXX -fuzz FuzzCheck -fuzztime "$FUZZTIME"
if /usr/bin/python3 -c 'import readme_renderer' 2>/dev/null; then
	PYUP_RST_ORACLE=1 PYUP_RST_ORACLE_N="$N" go test ./pkg/dist/rst/ -run TestOracleDifferential -v -timeout 1h | grep -v '^=== '
	if [ -n "${RST_DIR:-}" ]; then
		PYUP_RST_ORACLE_DIR="$RST_DIR" go test ./pkg/dist/rst/ -run TestOracleDir -v -timeout 1h | grep -v '^=== '
	fi
else
	echo "rst-fuzz: no /usr/bin/python3 with readme_renderer; skipping the docutils comparison" >&2
fi
