#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The same source as a newer version, for the upgrade tests
# (tests/dkms-root.sh, tests/apt-guest.sh): the source package make deb
# made, unpacked outside any git tree, with dkms.conf's PACKAGE_VERSION and
# a new top entry of debian/changelog (debian/rules wants the two equal)
# at NEXT, built with make deb there.  Its two .debs are copied to OUTDIR.
#
# usage: tests/deb-next.sh DSC NEXT OUTDIR
# Exits non-zero, with make deb's output, if anything fails.
set -uo pipefail

[ $# -eq 3 ] || { echo "usage: $0 DSC NEXT OUTDIR" >&2; exit 2; }
dsc=$1 next=$2 dest=$3
[ -f "$dsc" ] || { echo "deb-next: no $dsc" >&2; exit 1; }
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

dpkg-source -x "$dsc" "$tmp/src" || exit 1
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$next\"/" "$tmp/src/dkms.conf"
grep -qx "PACKAGE_VERSION=\"$next\"" "$tmp/src/dkms.conf" ||
	{ echo "deb-next: dkms.conf has no PACKAGE_VERSION line" >&2; exit 1; }
# A changelog entry as a release would add it (the maintainer line is
# the last entry's).
{
	echo "tcpstates ($next) unstable; urgency=medium"
	echo
	echo "  * The same source as $(dpkg-parsechangelog -l "$tmp/src/debian/changelog" -S Version), built as $next to test upgrades."
	echo
	echo " -- $(dpkg-parsechangelog -l "$tmp/src/debian/changelog" -S Maintainer)  $(date -R)"
	echo
	cat "$tmp/src/debian/changelog"
} >"$tmp/changelog"
mv "$tmp/changelog" "$tmp/src/debian/changelog"
make --no-print-directory -C "$tmp/src" deb || exit 1
mkdir -p "$dest"
cp "$tmp/src/.build/tcpstates-dkms_${next}_all.deb" \
	"$tmp/src/.build/tcpstates_${next}_"*.deb "$dest/"
