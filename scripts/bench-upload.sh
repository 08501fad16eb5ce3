#!/usr/bin/env bash
# Measures pkg/upload against curl (and twine when installed) posting the same
# wheel to the same loopback index, which hashes and discards what it gets.
# Prints wall time, throughput and peak RSS side by side.
#
#   scripts/bench-upload.sh            # 1 GiB wheel
#   SIZE_MIB=256 RUNS=5 scripts/bench-upload.sh
#
# Each client runs RUNS times (default 3; twine once, it is slow); the table
# shows the best wall time, the CPU time (user+sys) of that run and the
# highest peak RSS seen.
#
# pyup runs through scripts/benchupload: pkg/upload with precomputed digests
# (like curl), then with dist.Open's hashing pass (as the CLI and twine do).
# Set PYUP=/path/to/pyup (go build -o /tmp/pyup ./cmd/pyup) to also time the
# real CLI: `$PYUP upload --no-check --repository-url URL/legacy/ FILE`.
set -euo pipefail

SIZE_MIB=${SIZE_MIB:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
server_pid=""
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; fi
	rm -rf "$work"
}
trap cleanup EXIT

for tool in curl /usr/bin/time /usr/bin/python3 sha256sum b2sum; do
	command -v "$tool" >/dev/null || { echo "bench-upload: $tool is required" >&2; exit 1; }
done

echo "building helper..." >&2
(cd "$root" && go build -o "$work/benchupload" ./scripts/benchupload)

wheel="$work/bench_pkg-1.0-py3-none-any.whl"
echo "writing a ${SIZE_MIB} MiB wheel (stored, incompressible)..." >&2
/usr/bin/python3 - "$wheel" "$SIZE_MIB" <<'PY'
import os, sys, zipfile
path, mib = sys.argv[1], int(sys.argv[2])
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
    with z.open("bench_pkg/blob.bin", "w", force_zip64=True) as f:
        chunk = os.urandom(1 << 20)
        for i in range(mib):
            f.write(chunk[i % 256:] + chunk[:i % 256])
    z.writestr("bench_pkg/__init__.py", "")
    z.writestr("bench_pkg-1.0.dist-info/METADATA",
               "Metadata-Version: 2.1\nName: bench_pkg\nVersion: 1.0\nSummary: benchmark\n\n")
    z.writestr("bench_pkg-1.0.dist-info/WHEEL",
               "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr("bench_pkg-1.0.dist-info/RECORD", "")
PY
size=$(stat -c %s "$wheel")
sha=$(sha256sum "$wheel" | cut -d' ' -f1)
b2=$(b2sum -l 256 "$wheel" | cut -d' ' -f1)

"$work/benchupload" serve >"$work/url" &
server_pid=$!
for _ in $(seq 50); do [ -s "$work/url" ] && break; sleep 0.1; done
url=$(cat "$work/url")
echo "index at $url, file $size bytes" >&2

# Warm the page cache so every tool reads the file from memory.
cat "$wheel" >/dev/null

RUNS=${RUNS:-3}
results=()
measure() { # name, command...: best wall time of $RUNS runs (the box may be busy)
	local name=$1; shift
	local best="" best_rss=0 best_cpu=0 wall rss_kb user sys
	for _ in $(seq "$RUNS"); do
		if ! /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$@" >"$work/out" 2>"$work/err"; then
			echo "bench-upload: $name failed:" >&2; cat "$work/out" "$work/err" >&2; return 0
		fi
		read -r wall rss_kb user sys <"$work/time"
		grep -h '^pyup:' "$work/err" >&2 || true
		if [ -z "$best" ] || awk -v a="$wall" -v b="$best" 'BEGIN { exit !(a < b) }'; then
			best=$wall best_cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
		fi
		[ "$rss_kb" -gt "$best_rss" ] && best_rss=$rss_kb
	done
	results+=("$(awk -v n="$name" -v w="$best" -v c="$best_cpu" -v r="$best_rss" -v s="$size" \
		'BEGIN { printf "%-28s %8.2f s %9.0f MB/s %8.2f s %9.1f MiB", n, w, (w > 0 ? s / w / 1e6 : 0), c, r / 1024 }')")
}

measure "pyup (pkg/upload)" "$work/benchupload" upload -url "$url" -file "$wheel" -sha256 "$sha" -blake2 "$b2"
measure "pyup (pkg/upload + hashing)" "$work/benchupload" upload -url "$url" -file "$wheel"
if [ -n "${PYUP:-}" ]; then
	measure "pyup CLI (check off)" env PYUP_PASSWORD=unused "$PYUP" upload --no-check --non-interactive \
		--repository-url "$url/legacy/" "$wheel"
fi
measure "curl -F" curl -sS -f -o /dev/null -H 'Expect:' \
	-F ':action=file_upload' -F 'protocol_version=1' -F 'metadata_version=2.1' \
	-F 'name=bench_pkg' -F 'version=1.0' -F 'filetype=bdist_wheel' -F 'pyversion=py3' \
	-F "sha256_digest=$sha" -F "blake2_256_digest=$b2" \
	-F "content=@$wheel;type=application/octet-stream" "$url/legacy/"
if command -v twine >/dev/null; then
	RUNS=1 measure "twine upload" env TWINE_NON_INTERACTIVE=1 twine upload --disable-progress-bar \
		--repository-url "$url/legacy/" -u __token__ -p unused "$wheel"
else
	echo "(twine not installed: apt-get install -y twine)" >&2
fi

printf '\n%-28s %10s %14s %10s %13s\n' "client (${SIZE_MIB} MiB, best of $RUNS)" "wall" "throughput" "CPU" "peak RSS"
printf '%s\n' "${results[@]}"
