#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A million sockets in one QEMU guest (tests/guest/million.sh): the full
# read and the counts view are exact and finish without an RCU stall,
# soft-lockup or hung-task report.  Prints the guest's verdict lines (with
# its read times as "# million:" comments) and "passed=N failed=M".
#
# usage: tests/million.sh stock|debug [SOCKETS=1000000]
#   stock: the Debian 6.12 kernel, with /proc/net/tcp as the oracle
#   debug: the debug kernel of tests/debug-kernel.sh (KASAN, lockdep,
#          PROVE_RCU, stall detectors), without that oracle (under KASAN
#          its bucket-locked walk alone takes many minutes)
# environment: MILLION_MEM (guest MiB; default 8192 stock, 12288 debug),
#              MILLION_TIMEOUT (seconds; default 2400)
set -euo pipefail
cd "$(dirname "$0")/.."
# Standalone (make bench, ...) too: what it needs, quick if all is there.
tests/deps.sh >/dev/null
source tests/kernels.sh

kind=${1:-}
n=${2:-1000000}
out=.build/million-$kind
mkdir -p "$out"
case "$kind" in
stock)
	kver=${TCPS_KERNELS[6.12]}
	make --no-print-directory -s KVER="$kver" >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log"; exit 1; }
	ko=.build/tcpstates-$kver.ko
	oracle=yes
	unset VM_KERNEL
	export VM_MEM=${MILLION_MEM:-8192}
	;;
debug)
	kdir=$(tests/debug-kernel.sh)
	kver=$(cat "$kdir/include/config/kernel.release")
	make --no-print-directory -s KVER=debug KDIR="$kdir" \
		>"$out/build.log" 2>&1 || { cat "$out/build.log"; exit 1; }
	ko=.build/debug/tcpstates.ko
	oracle=no
	export VM_KERNEL=$kdir/arch/x86/boot/bzImage VM_MEM=${MILLION_MEM:-12288}
	;;
*)
	echo "usage: $0 stock|debug [SOCKETS]" >&2
	exit 2
	;;
esac

gcc -O2 -Wall -Wextra -Werror -static -o "$out/mksockets" tests/bench/mksockets.c
gcc -O2 -Wall -Wextra -Werror -static -o "$out/benchtime" tests/bench/benchtime.c
tests/vm/mkinitramfs.sh "$out/initramfs.cpio.gz" "$kver" "$ko" \
	tests/guest/million.sh "$out/mksockets" "$out/benchtime" \
	>"$out/initramfs.log" 2>&1 || { cat "$out/initramfs.log"; exit 1; }
echo "# booting $kind $kver under QEMU TCG, $VM_MEM MiB: $n sockets"
VM_APPEND="million=$n oracle=$oracle" tests/vm/run-vm.sh "$kver" \
	"$out/initramfs.cpio.gz" "$out/result.txt" "$out/console.log" \
	"${MILLION_TIMEOUT:-2400}" || true
VM_TAG=million-$kind tests/vm/verdict.sh "$out/result.txt" "$out/console.log"
