#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A read's cost when all of a netns's sockets share ONE chain (a netns
# made with net.ipv4.tcp_child_ehash_entries=1, which any user with a user
# namespace can make) against the same sockets in the shared table, at
# 20k, 50k and 100k sockets, in one guest (tests/guest/onechain.sh): the
# walk must stay linear in the sockets whatever the chain lengths.
# Prints the guest's checks and "# onechain:" figures, then per size the
# ratio one chain / shared of /proc/tcpstates and of the counts view.
#
# usage: tests/bench/onechain.sh [stock|debug] [SIZES]
#   SIZES: comma separated (default 20000,50000,100000)
set -euo pipefail
cd "$(dirname "$0")/../.."
tests/deps.sh >/dev/null
source tests/kernels.sh

kind=${1:-stock}
sizes=${2:-20000,50000,100000}
out=.build/onechain-$kind
mkdir -p "$out"
source tests/one-guest.sh
guest_kernel "$kind" "$out" || {
	[ $? = 2 ] && echo "usage: $0 [stock|debug] [SIZES]" >&2
	exit 2
}
export VM_MEM=${ONECHAIN_MEM:-4096}

VM_APPEND="onechain_sizes=$sizes" bench_guest "$out" "onechain-$kind" \
	tests/guest/onechain.sh "${ONECHAIN_TIMEOUT:-3600}" || true
# Ratios: one chain against the shared table, per size.
awk '/^# onechain: n=/ {
	for (i = 3; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
	t[f["n"], f["table"]] = f["tcpstates_ms"]; c[f["n"], f["table"]] = f["counts_ms"]
	if (!(f["n"] in seen)) { seen[f["n"]] = 1; order[++k] = f["n"] }
}
END {
	for (i = 1; i <= k; i++) {
		n = order[i]
		if (t[n, "shared"] > 0 && c[n, "shared"] > 0)
			printf "# onechain: %s sockets: one chain / shared: tcpstates %.2f, counts %.2f\n", n, t[n, "onechain"] / t[n, "shared"], c[n, "onechain"] / c[n, "shared"]
	}
}' "$out/result.txt"
