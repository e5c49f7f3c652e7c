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
source tests/one-guest.sh
guest_kernel "$kind" "$out" || {
	[ $? = 2 ] && echo "usage: $0 stock|debug [SOCKETS]" >&2
	exit 2
}
# The oracle: under KASAN the bucket-locked /proc/net/tcp alone would
# take many minutes.
if [ "$kind" = stock ]; then
	oracle=yes
	export VM_MEM=${MILLION_MEM:-8192}
else
	oracle=no
	export VM_MEM=${MILLION_MEM:-12288}
fi

VM_APPEND="million=$n oracle=$oracle" bench_guest "$out" "million-$kind" \
	tests/guest/million.sh "${MILLION_TIMEOUT:-2400}"
