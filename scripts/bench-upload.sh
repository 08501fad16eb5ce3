#!/usr/bin/env bash
# Measures the pyup CLI against curl and twine posting the same wheel to the
# same loopback index (scripts/benchupload: pkg/upload/uploadtest, which
# computes md5, sha256 and blake2b of every upload, as Warehouse does, and
# discards it), then how `pyup upload --jobs N` scales
# on an index that is slow per connection.
#
#   scripts/bench-upload.sh                       # 512 MiB and 1 GiB, then the --jobs table
#   SIZES=256 RUNS=5 scripts/bench-upload.sh
#   PARTS=jobs scripts/bench-upload.sh            # only the --jobs table (or PARTS=size, PARTS=rss)
#   PIN=1 scripts/bench-upload.sh                 # the index on CPU 0, the clients on the others
#
# Size comparison: each client runs RUNS times (default 3); the table shows
# the median wall time, the CPU time (user+sys) and peak RSS of that run, and
# the highest peak RSS seen. curl gets the digests for free (computed before);
# pyup hashes while it sends (one read of the file), pyup --hash-first and
# twine hash before they send.
#
# RSS at --jobs 8: eight names (hard links) of the largest wheel, uploaded at
# once; peak RSS of the pyup process.
#
# --jobs table: JOBS_FILES wheels of JOBS_MIB MiB each, to an index whose every
# connection reads at most RATE bytes/s and delays each answer by LATENCY
# (uploadtest.Throttle). pyup sends the first file alone (a new project is
# created once), so the ideal time with N jobs is 1 + ceil((files-1)/N) file
# times; the table shows it next to the measured speed-up.
set -euo pipefail

SIZES=${SIZES:-512 1024}
RUNS=${RUNS:-3}
PARTS=${PARTS:-size rss jobs}
JOBS_FILES=${JOBS_FILES:-16}
JOBS_MIB=${JOBS_MIB:-2}
RATE=${RATE:-4194304}
LATENCY=${LATENCY:-50ms}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/bench-upload.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT

for tool in curl /usr/bin/time /usr/bin/python3 sha256sum b2sum; do
	command -v "$tool" >/dev/null || { echo "bench-upload: $tool is required" >&2; exit 1; }
done

echo "building pyup and the helper..." >&2
(cd "$root" && go build -o "$work/benchupload" ./scripts/benchupload && go build -o "$work/pyup" ./cmd/pyup)
pyup=$work/pyup

# mkwheel PATH MIB VERSION: a stored (uncompressed), incompressible wheel.
mkwheel() {
	/usr/bin/python3 - "$@" <<'PY'
import os, sys, zipfile
path, mib, version = sys.argv[1], int(sys.argv[2]), sys.argv[3]
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
    with z.open("bench_pkg/blob.bin", "w", force_zip64=True) as f:
        chunk = os.urandom(1 << 20)
        for i in range(mib):
            f.write(chunk[i % 256:] + chunk[:i % 256])
    z.writestr("bench_pkg/__init__.py", "")
    z.writestr(f"bench_pkg-{version}.dist-info/METADATA",
               f"Metadata-Version: 2.1\nName: bench_pkg\nVersion: {version}\nSummary: benchmark\n\n")
    z.writestr(f"bench_pkg-{version}.dist-info/WHEEL",
               "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n")
    z.writestr(f"bench_pkg-{version}.dist-info/RECORD", "")
PY
}

# PIN=1 gives the index CPU 0 and the clients the others, so that the index
# hashing what it receives (as a real index does, on its own machine) does
# not take its CPU from the client being measured. Off by default.
server_pin=() client_pin=()
if [ "${PIN:-0}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
	server_pin=(taskset -c 0)
	client_pin=(taskset -c "1-$(( $(nproc) - 1 ))")
fi

# serve FILE ARGS...: start an index, set $served to its URL.
serve() {
	local out=$1; shift
	"${server_pin[@]}" "$work/benchupload" serve "$@" >"$out" 2>>"$work/serve.err" &
	pids+=($!)
	for _ in $(seq 50); do [ -s "$out" ] && break; sleep 0.1; done
	served=$(cat "$out")
}

results=()
# measure NAME SIZE COMMAND...: median wall time of $RUNS runs, also left in $median.
measure() {
	local name=$1 size=$2; shift 2
	local rows=() wall rss_kb user sys max_rss=0
	for _ in $(seq "$RUNS"); do
		if ! /usr/bin/time -f '%e %M %U %S' -o "$work/time" "${client_pin[@]}" "$@" >"$work/out" 2>"$work/err"; then
			echo "bench-upload: $name failed:" >&2; cat "$work/out" "$work/err" >&2; return 0
		fi
		read -r wall rss_kb user sys <"$work/time"
		rows+=("$wall $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $rss_kb")
		[ "$rss_kb" -gt "$max_rss" ] && max_rss=$rss_kb
	done
	local med
	med=$(printf '%s\n' "${rows[@]}" | sort -n | sed -n "$(( (${#rows[@]} + 1) / 2 ))p")
	read -r wall cpu rss_kb <<<"$med"
	results+=("$(awk -v n="$name" -v w="$wall" -v c="$cpu" -v r="$rss_kb" -v m="$max_rss" -v s="$size" \
		'BEGIN { printf "%-30s %8.2f s %8.0f MB/s %8.2f s %9.1f MiB %9.1f MiB", n, w, (w > 0 ? s / w / 1e6 : 0), c, r / 1024, m / 1024 }')")
	median=$wall
}

if [[ " $PARTS " == *" size "* || " $PARTS " == *" rss "* ]]; then
	serve "$work/url"
	url=$served
	for mib in $SIZES; do
		# One version per size: the index keeps what it was sent.
		wheel="$work/size$mib/bench_pkg-1.$mib-py3-none-any.whl"
		mkdir -p "$work/size$mib"
		echo "writing a $mib MiB wheel..." >&2
		mkwheel "$wheel" "$mib" "1.$mib"
		size=$(stat -c %s "$wheel")
		sha=$(sha256sum "$wheel" | cut -d' ' -f1)
		b2=$(b2sum -l 256 "$wheel" | cut -d' ' -f1)
		cat "$wheel" >/dev/null # warm the page cache: every client reads from memory
		if [[ " $PARTS " == *" size "* ]]; then
			results=()
			measure "pyup upload" "$size" env PYUP_PASSWORD=unused "$pyup" upload --no-check --non-interactive \
				--disable-progress-bar --retries 0 --repository-url "$url/legacy/" "$wheel"
			pyup_wall=$median
			measure "pyup upload --hash-first" "$size" env PYUP_PASSWORD=unused "$pyup" upload --no-check --non-interactive \
				--disable-progress-bar --retries 0 --hash-first --repository-url "$url/legacy/" "$wheel"
			measure "curl -F (digests given)" "$size" curl -sS -f -o /dev/null \
				-F ':action=file_upload' -F 'protocol_version=1' -F 'metadata_version=2.1' \
				-F 'name=bench_pkg' -F "version=1.$mib" -F 'filetype=bdist_wheel' -F 'pyversion=py3' \
				-F "sha256_digest=$sha" -F "blake2_256_digest=$b2" \
				-F "content=@$wheel;type=application/octet-stream" "$url/legacy/"
			curl_wall=$median
			if command -v twine >/dev/null; then
				measure "twine upload" "$size" env TWINE_NON_INTERACTIVE=1 twine upload --disable-progress-bar \
					--repository-url "$url/legacy/" -u __token__ -p unused "$wheel"
			else
				echo "(twine not installed: apt-get install -y twine)" >&2
			fi
			printf '\n%-30s %10s %13s %10s %13s %13s\n' "client ($mib MiB, median of $RUNS)" "wall" "throughput" "CPU" "RSS" "max RSS"
			printf '%s\n' "${results[@]}"
			awk -v p="$pyup_wall" -v c="$curl_wall" 'BEGIN { printf "pyup / curl wall time: %.3fx\n", (c > 0 ? p / c : 0) }'
		fi
	done
	if [[ " $PARTS " == *" rss "* ]]; then
		# The largest wheel under eight names; pypiserver's dialect takes the
		# same content under several names, as Warehouse would not.
		serve "$work/rurl" -dialect pypiserver
		rurl=$served
		mkdir -p "$work/rss"
		for i in $(seq 8); do ln "$wheel" "$work/rss/bench_pkg-1.0.$i-py3-none-any.whl"; done
		/usr/bin/time -f '%e %M %U %S' -o "$work/time" env PYUP_PASSWORD=unused "$pyup" upload --no-check --non-interactive \
			--disable-progress-bar --retries 0 --jobs 8 --repository-url "$rurl/legacy/" "$work"/rss/*.whl >/dev/null
		read -r wall rss_kb user sys <"$work/time"
		awk -v w="$wall" -v r="$rss_kb" -v u="$user" -v s="$sys" -v n="$(stat -c %s "$wheel")" \
			'BEGIN { printf "\n--jobs 8, 8 files of %.0f MiB: %.2f s wall, %.2f s CPU, peak RSS %.1f MiB\n", n / 1048576, w, u + s, r / 1024 }'
		rm -rf "$work/rss"
	fi
	rm -rf "$work"/size*
fi

if [[ " $PARTS " == *" jobs "* ]]; then
	serve "$work/jurl" -rate "$RATE" -latency "$LATENCY"
	jurl=$served
	mkdir -p "$work/jobs"
	echo "writing $JOBS_FILES wheels of $JOBS_MIB MiB..." >&2
	for i in $(seq "$JOBS_FILES"); do mkwheel "$work/jobs/bench_pkg-1.0.$i-py3-none-any.whl" "$JOBS_MIB" "1.0.$i"; done
	printf '\n--jobs on a throttled index (%s files of %s MiB, %s B/s and %s per connection, median of %s)\n' \
		"$JOBS_FILES" "$JOBS_MIB" "$RATE" "$LATENCY" "$RUNS"
	printf '%-6s %9s %9s %9s %10s\n' "jobs" "wall" "speed-up" "ideal" "peak RSS"
	base=""
	for jobs in 1 2 4 8; do
		walls=()
		rss_max=0
		for _ in $(seq "$RUNS"); do
			/usr/bin/time -f '%e %M' -o "$work/time" env PYUP_PASSWORD=unused "$pyup" upload --no-check --non-interactive \
				--disable-progress-bar --retries 0 --jobs "$jobs" --repository-url "$jurl/legacy/" "$work"/jobs/*.whl >/dev/null
			read -r wall rss_kb <"$work/time"
			walls+=("$wall")
			[ "$rss_kb" -gt "$rss_max" ] && rss_max=$rss_kb
		done
		wall=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
		[ -z "$base" ] && base=$wall
		awk -v j="$jobs" -v w="$wall" -v b="$base" -v f="$JOBS_FILES" -v r="$rss_max" 'BEGIN {
			ideal = f / (1 + int((f - 1 + j - 1) / j))
			printf "%-6d %7.2f s %8.2fx %8.2fx %8.1f MiB\n", j, w, b / w, ideal, r / 1024 }'
	done
fi
