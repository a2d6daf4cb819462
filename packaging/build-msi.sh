#!/usr/bin/env bash
# Build the MSI from a Windows bundle with wixl (msitools), on Linux.
#
#   bash packaging/build-msi.sh BUNDLE_DIR OUT_DIR [VERSION]
#
# VERSION defaults to the version in the bundle's own package metadata
# (_internal/umcr_console-*.dist-info/METADATA): the MSI says what it installs.
# MSI versions are numeric (major.minor.build), so 0.2.0.dev3 becomes 0.2.0.
# Prints the MSI's path as the last line. Used by packaging/wine-msi.sh and by
# the GitHub workflow's Linux job.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bundle="$(realpath "$1")"
out="$(realpath -m "$2")"
[ -f "$bundle/umcr-console.exe" ] || { echo "no Windows bundle at $bundle" >&2; exit 1; }

if [ $# -ge 3 ]; then
    version="$3"
else
    metadata="$(ls "$bundle"/_internal/umcr_console-*.dist-info/METADATA)"
    version="$(sed -n 's/^Version: *//p' "$metadata" | head -n 1)"
fi
msi_version="$(echo "$version" | sed -E 's/^([0-9]+(\.[0-9]+){0,2}).*/\1/')"
[ -n "$msi_version" ] || { echo "not a release version: $version" >&2; exit 1; }

mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The bundle's files as components of INSTALLDIR (one per file, stable GUIDs
# derived from the path, so an upgrade sees the same components).
(cd "$bundle" && find . -type f | sed 's|^\./||' | LC_ALL=C sort) |
    sed "s|^|$bundle/|" |
    wixl-heat -p "$bundle/" --component-group BundleFiles --directory-ref INSTALLDIR \
        --var var.BundleDir --win64 >"$work/bundle-files.wxs"
icon="$work/umcr-console.ico"
python3 -c "import sys; sys.path.insert(0, '$here'); import bundle_support as s; s.write_icon(__import__('pathlib').Path('$icon'))"
msi="$out/umcr-console-$msi_version-x64.msi"
# wixl finds sources by relative paths only: run it from / with the leading / cut.
(cd / && wixl --arch x64 -D Win64=yes -D "Version=$msi_version" -D "BundleDir=${bundle#/}" \
    -D "IconFile=${icon#/}" -o "$msi" "$here/umcr-console.wxs" "$work/bundle-files.wxs")
echo "$msi_version" >"$out/version.txt"
echo "$msi"
