#!/usr/bin/env bash
# Runs `pyup upload` with the GitHub Action's inputs. The password travels in
# PYUP_PASSWORD (never on the command line, where `ps` could see it).
set -euo pipefail

bin="${PYUP_BIN:-pyup}"
dir="${INPUT_PACKAGES_DIR:-dist}"
dir="${dir%/}"
args=(upload --non-interactive --repository-url "${INPUT_REPOSITORY_URL:-https://upload.pypi.org/legacy/}")

is_true() { case "${1,,}" in true|1|yes|on) return 0 ;; *) return 1 ;; esac; }

is_true "${INPUT_VERIFY_METADATA:-true}" || args+=(--no-check)
is_true "${INPUT_SKIP_EXISTING:-false}" && args+=(--skip-existing)
is_true "${INPUT_VERBOSE:-false}" && args+=(--verbose)
# attestations: sign PEP 740 attestations with trusted publishing (pyup
# upload --attest auto, pypa/gh-action-pypi-publish's default), or not.
if is_true "${INPUT_ATTESTATIONS:-true}"; then args+=(--attest auto); else args+=(--attest never); fi

if [ ! -d "$dir" ]; then
  echo "::error::pyup: packages-dir '$dir' does not exist" >&2
  exit 2
fi

# print-hash: pyup upload --print-hash lists each file's sha256 and blake2b-256
# before anything is sent.
is_true "${INPUT_PRINT_HASH:-false}" && args+=(--print-hash)

export PYUP_USERNAME="${INPUT_USER:-__token__}"
if [ -n "${INPUT_PASSWORD:-}" ]; then
  export PYUP_PASSWORD="$INPUT_PASSWORD"
fi
exec "$bin" "${args[@]}" "$dir"
