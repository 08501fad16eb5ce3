#!/usr/bin/env bash
# Installs a released pyup binary for the GitHub Action, verifying its sha256
# against the release's checksums.txt before it is ever run.
#
# Inputs (environment): PYUP_VERSION (latest or vX.Y.Z), RUNNER_OS_NAME
# (Linux, macOS, Windows), RUNNER_ARCH_NAME (X64, ARM64), and for tests
# PYUP_RELEASE_BASE (default https://github.com/pyup-dev/pyup/releases) and
# PYUP_INSTALL_DIR (default $RUNNER_TEMP/pyup-bin).
# Outputs (to $GITHUB_OUTPUT when set): version, path.
set -euo pipefail

version="${PYUP_VERSION:-latest}"
base="${PYUP_RELEASE_BASE:-https://github.com/pyup-dev/pyup/releases}"
dest="${PYUP_INSTALL_DIR:-${RUNNER_TEMP:-/tmp}/pyup-bin}"

case "${RUNNER_OS_NAME:-Linux}" in
  Linux) os=linux ;;
  macOS) os=darwin ;;
  Windows) os=windows ;;
  *) echo "::error::pyup: unsupported runner OS '${RUNNER_OS_NAME}'" >&2; exit 1 ;;
esac
case "${RUNNER_ARCH_NAME:-X64}" in
  X64) arch=amd64 ;;
  ARM64) arch=arm64 ;;
  *) echo "::error::pyup: unsupported runner architecture '${RUNNER_ARCH_NAME}'" >&2; exit 1 ;;
esac

if [ "$version" = latest ]; then
  url="$base/latest/download"
  # The latest release's tag is needed for the archive name: follow the redirect.
  tag=$(curl -fsSLI -o /dev/null -w '%{url_effective}' "$base/latest" | sed 's#.*/##')
else
  tag="$version"
  url="$base/download/$tag"
fi
case "$tag" in
  v[0-9]*) ;;
  *) echo "::error::pyup: cannot tell the release tag (got '$tag')" >&2; exit 1 ;;
esac
num="${tag#v}"
ext=tar.gz
[ "$os" = windows ] && ext=zip
archive="pyup_${num}_${os}_${arch}.${ext}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
curl -fsSL --retry 3 -o "$work/$archive" "$url/$archive"
curl -fsSL --retry 3 -o "$work/checksums.txt" "$url/checksums.txt"

want=$(awk -v f="$archive" '$2 == f || $2 == "*"f { print $1 }' "$work/checksums.txt")
if [ -z "$want" ]; then
  echo "::error::pyup: $archive is not listed in checksums.txt" >&2
  exit 1
fi
if command -v sha256sum >/dev/null 2>&1; then
  got=$(sha256sum "$work/$archive" | cut -d' ' -f1)
else
  got=$(shasum -a 256 "$work/$archive" | cut -d' ' -f1)
fi
if [ "$got" != "$want" ]; then
  echo "::error::pyup: checksum mismatch for $archive: expected $want, got $got" >&2
  exit 1
fi

mkdir -p "$dest"
if [ "$ext" = zip ]; then
  unzip -o -q "$work/$archive" -d "$work/x"
  cp "$work/x/pyup.exe" "$dest/pyup.exe"
  bin="$dest/pyup.exe"
else
  tar -xzf "$work/$archive" -C "$work" pyup
  install -m 0755 "$work/pyup" "$dest/pyup"
  bin="$dest/pyup"
fi
"$bin" --version
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  echo "version=$num" >> "$GITHUB_OUTPUT"
  echo "path=$bin" >> "$GITHUB_OUTPUT"
fi
