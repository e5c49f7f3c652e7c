#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the million-socket test (run by tests/vm/init.sh with
# tcpstates.ko loaded): million=N sockets (kernel command line, default
# 1000000) made ESTABLISHED in TCP repair mode by mksockets, then
#
#   - /proc/tcpstates_counts: ESTABLISHED and Total are exactly N;
#   - /proc/tcpstates read whole with 1 MiB and with 4 KiB read()s: N rows,
#     all ESTABLISHED, counters N, and the same bytes both ways;
#   - /proc/net/tcp + /proc/net/tcp6 (unless oracle=no): N sockets too;
#   - the kernel log has no RCU stall, soft-lockup or hung-task report
#     (the harness also fails the run on one in the console).
#
# Times (in-guest clock, one read each) go out as "# million: ..." lines:
# figures for the closing note, not assertions.

n=1000000
oracle=yes
for w in $(cat /proc/cmdline); do
	case "$w" in
	million=*) n=${w#million=} ;;
	oracle=*) oracle=${w#oracle=} ;;
	esac
done

ok() { echo "ok $*" >&3; }
not_ok() { echo "not ok $*" >&3; }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}
comment() { echo "# million: $*" >&3; }
now_ms() { awk '{ printf "%d", $1 * 1000 }' /proc/uptime; }
# ms NAME BUFSIZE FILE...: one timed read; the figure goes to the channel.
ms() {
	name=$1
	shift
	t=$(benchtime 1 read "$@") || { not_ok "$name: read"; return 1; }
	set -- $t
	comment "$name: $2 ms, $3 bytes"
}

comment "$(uname -r), $(nproc) CPUs, $(awk '/MemTotal/ { print int($2 / 1024) " MiB" }' /proc/meminfo), tcp_ehash_entries $(cat /proc/sys/net/ipv4/tcp_ehash_entries)"
# The counts view keeps its counts once a walk of the init netns, quiet
# at boot, seeded them (module/kept.c): before the sockets come.
i=0
until head -n 1 /proc/tcpstates_counts | grep -q ' (kept)$' || [ $i -ge 120 ]; do
	sleep 0.5
	i=$((i + 1))
done
start=$(now_ms)
# One maker per CPU, each its share of the numbers; the file limit is
# system-wide, so it is raised here for all of them.
echo $((n + 65536)) >/proc/sys/fs/file-max
cpus=$(nproc)
makers=
i=0
while [ $i -lt "$cpus" ]; do
	first=$((n * i / cpus))
	count=$((n * (i + 1) / cpus - first))
	# Not holding fd 3: the channel must close when init closes it.
	mksockets repair /tmp "$first" "$count" 2>>/tmp/mksockets.err 3>&- &
	makers="$makers $!"
	i=$((i + 1))
done
ready() {
	for m in $makers; do
		kill -0 "$m" 2>/dev/null || return 2
	done
	[ "$(ls /tmp/ready.* 2>/dev/null | wc -l)" = "$cpus" ]
}
while :; do
	ready
	case $? in
	0) break ;;
	2) not_ok "mksockets made $n sockets: $(cat /tmp/mksockets.err)"
	   exit 1 ;;
	esac
	sleep 1
done
ok "mksockets made $n ESTABLISHED sockets"
comment "made $n sockets in $(( $(now_ms) - start )) ms"

# Counters: "<NAME> <count>" lines after the rows.
counter() { awk -v s="$1" '$1 == s && NF == 2 { print $2 }' "$2"; }

cat /proc/tcpstates_counts >/tmp/counts
check "counts view: ESTABLISHED is $n" [ "$(counter ESTABLISHED /tmp/counts)" = "$n" ]
check "counts view: Total is $n" [ "$(counter Total /tmp/counts)" = "$n" ]
# The init netns was seeded at the load, before any of them: kept since.
check "counts view: kept by the hooks, not walked ($(head -n 1 /tmp/counts | sed 's/.* (/(/'))" \
	grep -q ' (kept)$' /tmp/counts

# The full file, checked as it streams (a million rows are ~150 MB).
check_full() {
	awk -v n="$n" '
	$1 ~ /^tcp6?$/ && NF >= 6 { rows++; if ($6 != "ESTABLISHED") bad++; next }
	$1 == "ESTABLISHED" && NF == 2 { est = $2 }
	$1 == "Total" && NF == 2 { total = $2 }
	END {
		printf "rows=%d est=%d total=%d bad=%d\n", rows, est, total, bad
		exit !(rows == n && est == n && total == n && !bad)
	}'
}
r=$(dd if=/proc/tcpstates bs=1M 2>/dev/null | check_full)
check "/proc/tcpstates, 1 MiB reads: $n ESTABLISHED rows and counters ($r)" [ $? = 0 ]
# Without the Timer and Idle figures, which move between two reads.
masked() {
	awk '$1 ~ /^tcp6?$/ && NF >= 10 {
		t = $9; i = $10
		gsub(/[0-9.]/, "", t); gsub(/[0-9.]/, "", i)
		$9 = t; $10 = i
	} { print }'
}
s1=$(dd if=/proc/tcpstates bs=1M 2>/dev/null | masked | md5sum)
s4=$(dd if=/proc/tcpstates bs=4k 2>/dev/null | masked | md5sum)
# The same sockets, held still: the same bytes whatever the read size.
check "/proc/tcpstates: 4 KiB reads give the same bytes as 1 MiB reads (timer and idle figures aside)" [ "$s1" = "$s4" ]

ms "tcpstates-1M" 1048576 /proc/tcpstates
ms "tcpstates-4K" 4096 /proc/tcpstates
ms "counts" 4096 /proc/tcpstates_counts
if [ "$oracle" = yes ]; then
	m=$(cat /proc/net/tcp /proc/net/tcp6 | awk '$4 == "01" { n++ } END { print n + 0 }')
	check "/proc/net/tcp{,6} show $n ESTABLISHED sockets too ($m)" [ "$m" = "$n" ]
	ms "proc-net-tcp" 1048576 /proc/net/tcp /proc/net/tcp6
fi

dmesg >/tmp/dmesg
grep -E 'self-detected stall|detected stalls|rcu: INFO|soft lockup|blocked for more than|hung_task' /tmp/dmesg >/tmp/stalls
check "no RCU stall, soft-lockup or hung-task report in the kernel log" [ ! -s /tmp/stalls ]
# The makers are left running: closing a million sockets under KASAN
# takes longer than the rest, and the harness's reboot ends them anyway.
true
