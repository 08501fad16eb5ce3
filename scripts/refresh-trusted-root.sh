#!/usr/bin/env bash
# Refreshes pkg/attest/trusted_root.json, the snapshot of Sigstore's
# public-good trusted root built into pyup, which `pyup verify` checks
# attestations against.
#
# The file is the target "trusted_root.json" of Sigstore's TUF repository
# (https://tuf-repo-cdn.sigstore.dev, maintained in
# github.com/sigstore/root-signing). scripts/refreshroot fetches it with
# sigstore-go's TUF client, which verifies the repository's signed metadata
# from the TUF root built into sigstore-go.
#
# Usage: scripts/refresh-trusted-root.sh [--check]
#   --check  only compare: exit 1 if the snapshot differs from the
#            repository's (for a scheduled CI job).
#
# Needs network access. Review the diff (new keys, new logs, changed validity
# periods) before committing, then run `go test ./pkg/attest/`: the real
# attestations in pkg/attest/testdata must still verify.
set -euo pipefail
cd "$(dirname "$0")/.."

out=pkg/attest/trusted_root.json
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
go run ./scripts/refreshroot > "$tmp"

if [[ "${1:-}" == "--check" ]]; then
	if cmp -s "$tmp" "$out"; then
		echo "$out is current"
		exit 0
	fi
	echo "$out differs from the TUF repository's trusted_root.json: run scripts/refresh-trusted-root.sh" >&2
	exit 1
fi
cp "$tmp" "$out"
git --no-pager diff --stat -- "$out" || true
echo "wrote $out; review the diff, then run: go test ./pkg/attest/"
