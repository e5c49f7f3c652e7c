#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# See it work: install what is needed, build the module for Debian's 6.12
# kernel, boot that kernel under QEMU with the module loaded and sockets
# held in every TCP state, and print the guest's /proc/tcpstates.
set -euo pipefail
cd "$(dirname "$0")/.."

tests/deps.sh demo
source tests/kernels.sh
kver=${TCPS_KERNELS[6.12]}
out=.build/demo
mkdir -p "$out"

echo "demo: building tcpstates.ko for $kver" >&2
make --no-print-directory KVER="$kver" >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
make --no-print-directory -C tests/scenario >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log" >&2; exit 1; }
tests/vm/mkinitramfs.sh "$out/initramfs.cpio.gz" "$kver" \
	".build/tcpstates-$kver.ko" tests/guest/demo.sh tests/scenario/scenario

echo "demo: booting Debian $kver under QEMU (no KVM: about a minute)" >&2
tests/vm/run-vm.sh "$kver" "$out/initramfs.cpio.gz" "$out/result.txt" \
	"$out/console.log" 300 || true
if ! grep -q '^TCPSTATES-HARNESS-DONE rc=0' "$out/result.txt" 2>/dev/null; then
	echo "demo: the guest failed; its console:" >&2
	tail -n 40 "$out/console.log" >&2
	exit 1
fi
grep -v -e '^TCPSTATES-HARNESS-DONE' -e '^ok ' "$out/result.txt" | tr -d '\r'
