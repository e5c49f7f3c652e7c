#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the exactly-once test, run by tests/vm/init.sh as /test.sh
# with the module loaded.  For exact_seconds=N seconds (kernel command
# line, default 60), side by side:
#
#   - two netns made with net.ipv4.tcp_child_ehash_entries=1, so each
#     has ONE chain holding all its sockets, and
#   - the init netns, on the shared table,
#
# each with 50 held connection pairs and their listeners, two churn
# workers opening and closing connections as fast as they can (some reset
# with SO_LINGER 0: the socket objects are freed and reused at once, into
# the same chain) and two readers (small and large buffers, a fresh and a
# held-open file) checking every read of /proc/tcpstates: each held socket
# exactly once, no connection twice, counters equal to the rows.  The host
# boots this with preempt=full and more vCPUs than it has cores, so a
# reader is stopped anywhere in a chain.
#
# One ok / not ok line per instance on fd 3, the programs' output as
# sections.

out=/tmp/exact
mkdir -p "$out"

ok() { echo "ok $*" >&3; echo "exact: ok $*"; }
not_ok() { echo "not ok $*" >&3; echo "exact: not ok $*"; }

section() {
	echo "BEGIN $1" >&3
	cat "$3" "$4" >&3
	echo "END $1 rc=$2" >&3
}

secs=60
for word in $(cat /proc/cmdline); do
	case $word in
	exact_seconds=[0-9]*) secs=${word#exact_seconds=} ;;
	esac
done

if [ ! -r /proc/tcpstates ]; then
	not_ok "exact-module-loaded"
	exit 0
fi
echo "exact: $secs s, kernel $(uname -r), $(nproc) CPUs, $(cat /sys/kernel/debug/sched/preempt 2>/dev/null || echo 'preempt model unknown')"

if ! echo 1 >/proc/sys/net/ipv4/tcp_child_ehash_entries; then
	not_ok "exact: net.ipv4.tcp_child_ehash_entries=1 (the kernel has it from 6.1)"
	exit 0
fi
limit=$((secs + 120))
timeout -k 5 $limit tcpstress exact --seconds "$secs" --unshare \
	>"$out/chain-a.out" 2>"$out/chain-a.err" 3>&- &
a=$!
timeout -k 5 $limit tcpstress exact --seconds "$secs" --unshare \
	>"$out/chain-b.out" 2>"$out/chain-b.err" 3>&- &
b=$!
timeout -k 5 $limit tcpstress exact --seconds "$secs" \
	>"$out/shared.out" 2>"$out/shared.err" 3>&- &
g=$!
# Both new netns read the setting at unshare(): then put it back.
sleep 5
echo 0 >/proc/sys/net/ipv4/tcp_child_ehash_entries

# verdict NAME PID WANT_EHASH: the instance found nothing wrong, churned,
# and ran on the table it was meant for (1 bucket, or the shared one).
verdict() {
	wait "$2"
	rc=$?
	section "exact-$1" "$rc" "$out/$1.out" "$out/$1.err"
	line=$(grep '^exact ' "$out/$1.out")
	eh=$(echo "$line" | sed -n 's/.* ehash_entries=\([-0-9]*\) .*/\1/p')
	# The init netns owns the shared table: its size, never 1 bucket.
	case "$3:$eh" in
	one:1 | shared:[2-9]* | shared:1[0-9]*) ;;
	*)
		not_ok "exact-$1: ehash_entries=${eh:-none}, not the $3 table"
		return
		;;
	esac
	if [ "$rc" -eq 0 ]; then
		ok "exact-$1: each held socket exactly once in every read: $line $(grep -h reads= "$out/$1.out" | tr '\n' ' ')"
	else
		not_ok "exact-$1 rc=$rc: ${line:-no verdict} (stderr in section exact-$1)"
	fi
}
verdict chain-a $a one
verdict chain-b $b one
verdict shared $g shared
