#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# gen-huge.sh ROWS: a well-formed /proc/tcpstates text with ROWS sockets on
# stdout, for the streaming and memory tests (too big to commit).  Row i
# is in state i % 11 + 1, odd rows tcp6; its local port is 1024 + i % 50000
# and its foreign port 443, so that filters select known numbers of rows.
# Its state names are the ones tcpstates prints with -s, read from the
# tool itself rather than from a second list.
set -eu
rows=$1
tool=${TCPSTATES:-$(dirname "$0")/../tcpstates}

"$tool" -s -H --file "$(dirname "$0")/fixtures/no-sockets.txt" |
awk -v rows="$rows" '
$1 != "Total" { name[++n] = $1; next }
END {
	print "tcpstates 1: TCP sockets of net namespace 4026531840"
	printf "%-5s %6s %6s %-23s %-23s %-11s %8s %10s\n", "Proto", "Recv-Q",
		"Send-Q", "Local Address", "Foreign Address", "State", "UID",
		"Inode"
	for (i = 0; i < rows; i++) {
		st = i % n + 1
		count[st]++
		if (i % 2) {
			proto = "tcp6"
			local = sprintf("[2001:db8::%x]:%d", i % 65535 + 1, 1024 + i % 50000)
			peer = sprintf("[2001:db8:1::%x]:443", i % 65521 + 1)
		} else {
			proto = "tcp"
			local = sprintf("10.%d.%d.%d:%d", int(i / 65536) % 256,
					int(i / 256) % 256, i % 256, 1024 + i % 50000)
			peer = "192.0.2.1:443"
		}
		printf "%-5s %6d %6d %-23s %-23s %-11s %8d %10d\n", proto, i % 7,
			i % 3, local, peer, name[st], i % 1000, 100000 + i
	}
	printf "\n%-11s %7s\n", "State", "Count"
	for (st = 1; st <= n; st++)
		printf "%-11s %7d\n", name[st], count[st]
	printf "%-11s %7d\n", "Total", rows
}'
