#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, everything the demo and the tests use:
# QEMU, busybox, the real ss/ip/netstat for the guest, a compiler, sparse,
# this release's Debian kernels the module targets (images to boot, headers
# of every flavour to build against), DKMS, debhelper and dh-dkms for the
# Debian packages (make deb), and the 6.12 source for checkpatch.pl and
# the debug kernel.  Quick when all is there already.
set -euo pipefail

#
# usage: deps.sh [demo|quick|deb]   demo: only what tests/demo.sh needs;
#                                   quick: and what tests/run.sh --quick
#                                   needs; deb: only what tests/deb.sh needs

# The demo: build for Debian's 6.12 and boot it.  On Debian 12 that is
# the 6.12 series' own metapackage; on Debian 13 the default kernel.
. /etc/os-release
case "${VERSION_CODENAME:-}" in
bookworm) k612=6.12-amd64 ;;
trixie) k612=amd64 ;;
*) echo "deps: Debian 12 (bookworm) or 13 (trixie) only, not ${PRETTY_NAME:-this}" >&2
	exit 1 ;;
esac
pkgs=(
	qemu-system-x86 busybox-static iproute2 net-tools kmod cpio gzip
	build-essential bc flex bison libelf-dev python3
	"linux-image-$k612" "linux-headers-$k612"
)
# What make deb builds the Debian packages with: debian/control's
# Build-Depends (systemd.pc is systemd-dev's from Debian 13 on).
debs=(debhelper dh-dkms pkgconf)
[ "$VERSION_CODENAME" = bookworm ] || debs+=(systemd-dev)
case "${1:-}" in
demo) ;;
quick) pkgs+=(jq) ;;
# tests/deb.sh: make deb, and what it checks the packages with.
deb) pkgs=(build-essential "${debs[@]}" lintian systemd) ;;
*)
	pkgs+=(
		sparse ccache linux-source-6.12 jq valgrind shellcheck
		gnuplot-nox groff-base
		linux-image-amd64 linux-headers-amd64
		# The DKMS matrix: every Debian kernel ABI of this release,
		# and RT to boot.
		dkms linux-headers-cloud-amd64 linux-headers-rt-amd64
		# make deb, for tests/dkms-root.sh, and tests/deb.sh's checks.
		"${debs[@]}" lintian systemd
		# Roots of the other Debian releases for their kernels
		# (tests/roots.sh).
		debootstrap
		# arm64 guests.
		qemu-system-arm
	)
	if [ "$VERSION_CODENAME" = bookworm ]; then
		pkgs+=(linux-headers-6.12-cloud-amd64 linux-headers-6.12-rt-amd64
			linux-image-6.12-rt-amd64)
	else
		pkgs+=(linux-image-rt-amd64)
	fi
	;;
esac

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null | grep -q '^ii' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=
[ "$(id -u)" -eq 0 ] || sudo=sudo
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
