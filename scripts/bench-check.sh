#!/usr/bin/env bash
# Times `pyup check` the way users run it, and reports wall time, CPU time and
# peak RSS (GNU time):
#   - 1,000 small wheels in one invocation (target: under 2 s);
#   - one 500 MiB wheel (target: read without holding it; hashing at disk speed);
#   - one wheel whose reStructuredText README is README_KIB KiB (default 1024):
#     a whole process, start to verdict. The validator alone is measured by
#     go test -run '^$' -bench Check1MiB ./pkg/dist/rst
#
#   scripts/bench-check.sh                 # N=1000 SIZE_MIB=500
#   N=200 SIZE_MIB=100 scripts/bench-check.sh
set -euo pipefail
N=${N:-1000}
SIZE_MIB=${SIZE_MIB:-500}
README_KIB=${README_KIB:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for tool in /usr/bin/time bc; do command -v "$tool" >/dev/null || { echo "bench-check: $tool is required (apt-get install time bc)" >&2; exit 1; }; done

(cd "$root" && go build -o "$work/pyup" ./cmd/pyup && go build -o "$work/benchcheck" ./scripts/benchcheck)
"$work/benchcheck" small "$work/small" "$N"
"$work/benchcheck" large "$work/large" "$SIZE_MIB"
"$work/benchcheck" readme "$work/readme" "$README_KIB"

run() { # label, then the command
	local label=$1; shift
	/usr/bin/time -f "%e %U %S %M" -o "$work/t" "$@" >/dev/null 2>&1 || true
	read -r wall user sys rss <"$work/t"
	printf "%-28s wall %6.2f s  cpu %6.2f s  peak RSS %6.1f MiB\n" "$label" "$wall" "$(echo "$user + $sys" | bc)" "$(echo "scale=1; $rss / 1024" | bc)"
}
echo "pyup check on this machine ($(nproc) cores):"
run "$N small wheels" "$work/pyup" check "$work/small"
run "1 wheel of $SIZE_MIB MiB" "$work/pyup" check "$work/large"
size=$(stat -c %s "$work/large"/*.whl)
/usr/bin/time -f "%e" -o "$work/t" "$work/pyup" check "$work/large" >/dev/null 2>&1 || true
echo "  large wheel throughput: $(echo "scale=0; $size / 1048576 / $(cat "$work/t")" | bc) MiB/s (both digests in one pass)"
run "1 wheel, $README_KIB KiB README" "$work/pyup" check "$work/readme"
