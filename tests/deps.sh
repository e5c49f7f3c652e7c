#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, everything the demo and the tests use:
# QEMU, busybox, the real ss/ip/netstat for the guest, a compiler, sparse,
# the two Debian kernel series the module targets (images to boot, headers
# of every flavour to build against), DKMS, and the 6.12 source for
# checkpatch.pl and the debug kernel.  Quick when all is there already.
set -euo pipefail

#
# usage: deps.sh [demo]      demo: only what tests/demo.sh needs

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
if [ "${1:-}" = demo ]; then
	:
elif [ "$VERSION_CODENAME" != bookworm ]; then
	echo "deps: the full test suite runs on Debian 12 (it proves Debian 13's kernels in a Debian 13 root); on ${PRETTY_NAME:-this} only the demo" >&2
	exit 1
else
	pkgs+=(
		sparse ccache linux-source-6.12 jq valgrind shellcheck
		gnuplot-nox
		linux-image-amd64 linux-headers-amd64
		# The DKMS matrix: every Debian kernel ABI, and RT to boot.
		dkms linux-headers-cloud-amd64 linux-headers-rt-amd64
		linux-headers-6.12-cloud-amd64 linux-headers-6.12-rt-amd64
		linux-image-6.12-rt-amd64
		# Debian 13 and sid roots for the newer kernels (tests/roots.sh).
		debootstrap
		# arm64 guests.
		qemu-system-arm
	)
fi

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
