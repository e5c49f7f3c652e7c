#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the scenario test (busybox sh, run by tests/vm/init.sh).
# It holds sockets in every TCP state, then dumps what /proc/tcpstates and
# the independent oracles (/proc/net/tcp{,6}, ss) show, as sections on the
# result channel (fd 3); tests/check_scenario.py judges them on the host.
# Only facts the host cannot see (byte equality of reads, errnos) are
# judged here, as ok / not ok lines.

ok() { echo "ok $*" >&3; }
# The harness insmods a build-dir module; the DKMS boot modprobes instead.
load_module() {
	if [ -f /lib/modules/tcpstates.ko ]; then
		insmod /lib/modules/tcpstates.ko
	else
		modprobe tcpstates
	fi
}
not_ok() { echo "not ok $*" >&3; }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# section NAME CMD...: CMD's stdout between BEGIN/END markers.
section() {
	name=$1
	shift
	echo "BEGIN $name" >&3
	"$@" >/tmp/section 2>/tmp/section.err
	rc=$?
	cat /tmp/section >&3
	echo "END $name rc=$rc" >&3
	[ -s /tmp/section.err ] && sed "s/^/[$name stderr] /" /tmp/section.err
	return 0
}

# FILE without the Timer and Idle figures, which differ from one read (one
# walk) to the next: what must be the same in two reads of a stable set.
masked() {
	awk '$1 ~ /^tcp6?$/ && NF >= 10 {
		t = $9; i = $10
		gsub(/[0-9.]/, "", t); gsub(/[0-9.]/, "", i)
		$9 = t; $10 = i
	} { print }' "$1"
}
same_masked() {
	masked "$1" >/tmp/masked.a
	masked "$2" >/tmp/masked.b
	cmp -s /tmp/masked.a /tmp/masked.b
}

# same_but_expired NEW FIRST: as same_masked, except that timewait
# sockets of FIRST (Timer "timewait": TIME_WAIT, and orphans in FIN_WAIT2)
# may be gone from NEW, with the counter block lower by as many: they end
# 60 s after their birth, which a slow guest (arm64 under TCG, a debug
# kernel) reaches before its last reads.  Any other difference, or a
# timewait socket FIRST did not show, fails.
# lines_not_in A B: the lines of B that are not lines of A.
lines_not_in() {
	awk 'FILENAME == ARGV[1] { had[$0] = 1; next } !($0 in had)' "$1" "$2"
}
same_but_expired() {
	rm -f /tmp/masked.b.left
	masked "$1" >/tmp/masked.a
	masked "$2" >/tmp/masked.b
	grep ' timewait(' /tmp/masked.a >/tmp/masked.a.tw
	grep ' timewait(' /tmp/masked.b >/tmp/masked.b.tw
	# Every timewait row of NEW was in FIRST; those gone, in /tmp/gone.
	# (Not grep -v -f: busybox's matches every line with an empty list.)
	lines_not_in /tmp/masked.b.tw /tmp/masked.a.tw >/tmp/new.tw
	[ ! -s /tmp/new.tw ] || return 1
	lines_not_in /tmp/masked.a.tw /tmp/masked.b.tw >/tmp/gone
	# FIRST without them, its counts lowered: then equal to NEW.
	awk 'FILENAME == "/tmp/gone" { gone[$0] = 1; n[$6]++; total++; next }
	$0 in gone { next }
	$1 == "State" && $2 == "Count" { w = length($0); block = 1 }
	block && NF == 2 && $2 ~ /^[0-9]+$/ {
		c = $2 - ($1 == "Total" ? total : n[$1])
		$0 = sprintf("%s%" (w - length($1)) "d", $1, c)
	} { print }' /tmp/gone /tmp/masked.b >/tmp/masked.b.left
	cmp -s /tmp/masked.a /tmp/masked.b.left
}
# check_same_but_expired NAME NEW FIRST: the check, and on a failure the
# lines that differ (- FIRST, + NEW; a few) in the not-ok line itself,
# which is what a CI log keeps.
check_same_but_expired() {
	if same_but_expired "$2" "$3"; then
		ok "$1"
		return
	fi
	[ -f /tmp/masked.b.left ] || cp /tmp/masked.b /tmp/masked.b.left
	diff -u /tmp/masked.b.left /tmp/masked.a | grep -E '^[-+][^-+]' |
		head -n 6 | tr -s ' \n' ' |' >/tmp/expired.why
	not_ok "$1: $(cat /tmp/expired.why)"
}

# The counts view keeps its counts from the transition hooks (module/
# kept.c) once a walk seeded them; a netns that existed at the load needs
# a moment without changes for that.  wait_kept WHAT: until the title
# says "(kept)", 120 s at most.
kept() { head -n 1 /proc/tcpstates_counts | grep -q ' (kept)$'; }
wait_kept() {
	t0=$(cut -d . -f 1 /proc/uptime)
	i=0
	until kept || [ $i -ge 240 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	check "$1: the counts view is kept by the hooks, not walked, after $(($(cut -d . -f 1 /proc/uptime) - t0)) s, $(head -n 1 /proc/tcpstates_counts | sed 's/.* (/(/')" kept
}

# kept_equals_walk WHAT: the kept counts equal a walk's (/proc/tcpstates's
# counter block), read between two reads of the counts that agree (a
# timer may end a socket meanwhile: then again).
kept_equals_walk() {
	for try in 1 2 3 4 5; do
		cat /proc/tcpstates_counts >/tmp/kept.1
		cat /proc/tcpstates >/tmp/kept.rows
		cat /proc/tcpstates_counts >/tmp/kept.2
		cmp -s /tmp/kept.1 /tmp/kept.2 && break
	done
	tail -n +2 /tmp/kept.1 >/tmp/kept.block
	sed -n '/^$/,$p' /tmp/kept.rows >/tmp/kept.walk
	check "$1: the kept counts equal a walk's ($(tr -s ' \n' ' ' </tmp/kept.block))" \
		cmp -s /tmp/kept.block /tmp/kept.walk
	cmp -s /tmp/kept.block /tmp/kept.walk || { cat /tmp/kept.1; sed -n '/^$/,$p' /tmp/kept.rows; }
	kept_title=$(head -n 1 /tmp/kept.1)
	check "$1: and say so in the title ($kept_title)" \
		sh -c 'head -n 1 /tmp/kept.1 | grep -q " (kept)$"'
}

if [ ! -r /proc/tcpstates ]; then
	not_ok "module loaded and /proc/tcpstates exists"
	exit 1
fi
ok "module loaded and /proc/tcpstates exists"
# The init netns existed at the load: seeded by a walk.
wait_kept "after the load"

scenario hold /tmp/manifest > /tmp/scenario.out 2>&1 &
hold=$!
i=0
while [ ! -e /tmp/manifest ] && kill -0 $hold 2>/dev/null && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ ! -e /tmp/manifest ]; then
	cat /tmp/scenario.out
	not_ok "scenario reached every state"
	exit 1
fi
ok "scenario reached every state"

# Everything below reads one stable socket set: the TIME_WAIT sockets, the
# shortest-lived, last 60 s, far longer than these reads take (the
# reader's longer checks run last, after the comparisons with this read).
section manifest cat /tmp/manifest
section netns readlink /proc/self/ns/net
for bs in 1 7 4096 1048576; do
	scenario read $bs /proc/tcpstates > /tmp/read.$bs
	check "read with $bs-byte buffers succeeds" [ $? -eq 0 ]
done
section tcpstates cat /tmp/read.4096
section counts cat /proc/tcpstates_counts
for bs in 1 7 1048576; do
	check "read with $bs-byte buffers equals 4 KiB reads (timer and idle figures aside)" \
		same_masked /tmp/read.$bs /tmp/read.4096
done
# cat as people run it, on a file of many 64 KiB chunks: 1500 listeners
# in a netns of their own, stable between reads.  busybox cat sendfile()s:
# into a file the kernel splices it through its own pipe, into a pipe a
# chunk per call, each chunk one ->read_iter() that must take up where
# the last one stopped; GNU cat read()s 128 KiB; and small and big reads
# in turn (a big one while bytes wait in the buffer).  Each equals 4 KiB
# reads.
unshare -n scenario listen 1500 >/tmp/listen.out 2>&1 &
many=$!
i=0
while ! grep -q READY /tmp/listen.out && kill -0 $many 2>/dev/null &&
	[ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
nsenter -t $many -n sh -c 'scenario read 4096 /proc/tcpstates >/tmp/many.4096 &&
	busybox cat /proc/tcpstates >/tmp/many.bbcat &&
	busybox cat /proc/tcpstates | busybox cat >/tmp/many.bbpipe &&
	gnucat /proc/tcpstates >/tmp/many.gnucat &&
	scenario read 7,65536,1,1048576 /proc/tcpstates >/tmp/many.mixed'
rc=$?
echo "# 1500 listeners: rc=$rc, $(wc -c </tmp/many.4096) bytes, $(head -c 200 /tmp/listen.out)" >&3
check "1500 listeners read in their netns by 4 KiB reads, busybox and GNU cat" \
	[ $rc -eq 0 -a "$(grep -c LISTEN /tmp/many.4096)" -ge 1500 \
	-a "$(wc -c </tmp/many.4096)" -gt 131072 ]
kill $many
for f in bbcat:"busybox cat (sendfile into a file)" \
	bbpipe:"busybox cat | cat (sendfile into a pipe)" \
	gnucat:"GNU cat (128 KiB reads)" \
	mixed:"read()s of 7, 64 Ki, 1 and 1 Mi bytes in turn"; do
	check "${f#*:} equals 4 KiB reads, 1500 listeners (timer and idle figures aside)" \
		same_masked /tmp/many.${f%%:*} /tmp/many.4096
done
# ss over netlink (tcp_diag), not its fallback parse of /proc/net/tcp:
# only inet_diag knows the idle times (-i) compared below.  (The fallback
# prints rto, ato and cwnd from /proc/net/tcp's columns, never mss or
# rcv_space.)
check "ss reads sockets over netlink (inet_diag and tcp_diag loaded)" \
	sh -c 'ss -tanHi | grep -q "rcv_space:\|mss:"'
# Timers and idle times: /proc/tcpstates, then /proc/net/tcp{,6}, then
# ss -tanoi, each read between time stamps; three tries, as a timer may
# fire between two reads.
for try in 1 2 3; do
	section "timers-$try" sh -c 'scenario stamp /proc/tcpstates /proc/net/tcp /proc/net/tcp6 &&
		ss -tanoiH -4 && echo "#v6" && ss -tanoiH -6 && scenario stamp /dev/null'
	sleep 1
done
section uname uname -r
section diag-bound scenario diag-bound
section proc-net-tcp cat /proc/net/tcp
section proc-net-tcp6 cat /proc/net/tcp6
section ss-4 ss -tanH -4
section ss-6 ss -tanH -6
section netstat netstat -tan

for ns in $(awk '$1 == "NETNS" { print $2 }' /tmp/manifest); do
	pid=$(awk -v ns="$ns" '$1 == "NETNS" && $2 == ns { print $3 }' /tmp/manifest)
	section "netns@$ns" nsenter -t "$pid" -n readlink /proc/self/ns/net
	section "tcpstates@$ns" nsenter -t "$pid" -n cat /proc/tcpstates
	section "counts@$ns" nsenter -t "$pid" -n cat /proc/tcpstates_counts
	section "proc-net-tcp@$ns" nsenter -t "$pid" -n cat /proc/net/tcp
	section "proc-net-tcp6@$ns" nsenter -t "$pid" -n cat /proc/net/tcp6
	section "ss-4@$ns" nsenter -t "$pid" -n ss -tanH -4
	section "ss-6@$ns" nsenter -t "$pid" -n ss -tanH -6
done

# tools/tcpstates on the live file: its summary against the module's
# counters, its state filters and ss's flags against ss.  Its longer
# checks (ss's expressions, -p) come at the end: they may outlast the
# timewait sockets.
if [ -x /bin/tcpstates-static ]; then
	GT_PART=early TCPSTATES=/bin/tcpstates-static sh /bin/guest.sh
else
	not_ok "tcpstates-tool: /bin/tcpstates-static is in the guest"
fi

# A second full read at the end: the set really was stable meanwhile.
scenario read 4096 /proc/tcpstates > /tmp/read.last
check_same_but_expired "a read after the oracles equals the first read (timer and idle figures, expired timewait sockets aside)" \
	/tmp/read.last /tmp/read.4096

# Writes fail for root too, and change nothing.
section write scenario write /proc/tcpstates
check "open for writing fails with EACCES" \
	grep -qx "open-refused EACCES" /tmp/section
check "open read-write fails with EACCES" \
	grep -qx "rdwr-open-refused EACCES" /tmp/section
check "the file is mode 0444" \
	[ "$(stat -c %a /proc/tcpstates)" = 444 ]
scenario read 4096 /proc/tcpstates > /tmp/read.afterwrite
check_same_but_expired "the refused writes changed nothing" \
	/tmp/read.afterwrite /tmp/read.4096
section write-counts scenario write /proc/tcpstates_counts
check "counts: open for writing fails with EACCES" \
	grep -qx "open-refused EACCES" /tmp/section
check "counts: open read-write fails with EACCES" \
	grep -qx "rdwr-open-refused EACCES" /tmp/section
check "counts: the file is mode 0444" \
	[ "$(stat -c %a /proc/tcpstates_counts)" = 444 ]

# Unload with a reader holding the file open, then load again.
exec 5</proc/tcpstates
check "rmmod with the file held open" rmmod tcpstates
check "/proc/tcpstates is gone after rmmod" [ ! -e /proc/tcpstates ]
exec 5<&-
check "load again" load_module
scenario read 4096 /proc/tcpstates > /tmp/read.reload
check_same_but_expired "a read after reload equals the first read (timer and idle figures, expired timewait sockets aside)" \
	/tmp/read.reload /tmp/read.4096
# Every state held at the load: the seed walk must count them all.
wait_kept "after a reload with every state held"
kept_equals_walk "after a reload with every state held"

# The reader's longer checks, now that nothing compares with the first
# read any more (timewait sockets are left out of them).
[ ! -x /bin/tcpstates-static ] ||
	GT_PART=late TCPSTATES=/bin/tcpstates-static sh /bin/guest.sh

kill $hold
exit 0
