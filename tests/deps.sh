#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install, from Debian's archive, everything the demo and the tests use:
# QEMU, busybox, the real ss/ip/netstat for the guest, a compiler, sparse,
# the two Debian kernel series the module targets (image to boot, headers
# to build against) and the 6.12 source for checkpatch.pl.  Quick when all
# is there already.
set -euo pipefail

pkgs=(
	qemu-system-x86 busybox-static iproute2 net-tools kmod cpio gzip
	build-essential bc flex bison libelf-dev python3 sparse
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	linux-source-6.12
)

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
