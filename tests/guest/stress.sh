#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the stress test, run by tests/vm/init.sh as /test.sh with
# the module loaded.  For stress_seconds=N seconds (kernel command line,
# default 60):
#
#   - "tcpstress churn" opens and closes loopback connections in the init
#     netns and in 3 namespaces, one of which is abandoned and replaced
#     about every second, half of them with their own established hash;
#   - three "tcpstress read" check every read of /proc/tcpstates: small
#     buffers; large buffers with one fd held open across reloads; and
#     one in an empty netns of its own, which walks the shared tables and
#     must show none of the sockets in them;
#   - the module is unloaded and loaded again every few seconds while the
#     readers have the file open.
#
# Then one ok / not ok line per fact on fd 3 (churn ran, each reader
# found nothing wrong, every reload worked, the module is there at the
# end, kmemleak found nothing), the programs' output as sections, and the
# figures as "# stress: ..." and as the section "stress-figures", one
# KEY=N a line, for the host to pick up.

ko=/lib/modules/tcpstates.ko
out=/tmp/stress
mkdir -p "$out"

ok() {
	echo "ok $*" >&3
	echo "stress: ok $*"
}

not_ok() {
	echo "not ok $*" >&3
	echo "stress: not ok $*"
}

comment() {
	echo "# $*" >&3
	echo "stress: # $*"
}

# section NAME RC FILE...: the files between BEGIN/END lines on fd 3.
section() {
	name=$1 rc=$2
	shift 2
	echo "BEGIN $name" >&3
	cat "$@" >&3
	echo "END $name rc=$rc" >&3
}

# kv FILE KEY: N of the last " KEY=N" in FILE, or 0.
kv() {
	v=$(sed -n "s/.* $2=\([0-9][0-9]*\).*/\1/p" "$1" 2>/dev/null | tail -n 1)
	echo "${v:-0}"
}

now() {
	cut -d . -f 1 /proc/uptime
}

stress_seconds() {
	v=
	for word in $(cat /proc/cmdline); do
		case $word in
		stress_seconds=*) v=${word#stress_seconds=} ;;
		esac
	done
	case $v in
	'' | *[!0-9]*) v=60 ;;
	esac
	[ "$v" -ge 5 ] || v=5
	echo "$v"
}

# ---- the module reloads ----

reloads=0
reload_failures=0

reload_fail() {
	reload_failures=$((reload_failures + 1))
	comment "reload $1: $2: $(tr '\n' ' ' <"$out/reload.err")"
}

# How long the module stays away: readers must wait, however long.
away_time() {
	case $(($1 % 4)) in
	0) echo 0.05 ;;
	1) echo 0.3 ;;
	2) echo 0 ;;
	*) echo 1 ;;
	esac
}

# Unload with readers holding the file open (nothing may pin the module),
# then load again.
reload_once() {
	if [ ! -d /sys/module/tcpstates ]; then
		insmod "$ko" 2>"$out/reload.err" || reload_fail "$1" "insmod (module was missing)"
	fi
	if ! rmmod tcpstates 2>"$out/reload.err"; then
		reload_fail "$1" "rmmod failed"
		return
	fi
	sleep "$(away_time "$1")"
	if insmod "$ko" 2>"$out/reload.err"; then
		reloads=$((reloads + 1))
	else
		reload_fail "$1" "insmod failed"
	fi
}

# At least 5 cycles in any run; every 5 s in a long one.  Times are fixed
# from the start: on a slow kernel a reload takes seconds, and sleeping
# the interval after each one would leave too few.
reload_loop() {
	interval=$((secs / 7))
	[ "$interval" -ge 1 ] || interval=1
	[ "$interval" -le 5 ] || interval=5
	first=$(now)
	end=$((first + secs - 1))
	n=0
	while :; do
		wait_for=$((first + (n + 1) * interval - $(now)))
		[ "$wait_for" -le 0 ] || sleep "$wait_for"
		[ "$(now)" -lt "$end" ] || break
		n=$((n + 1))
		# The guest has 1 GiB: show how much the load takes.
		echo "stress: reload $n at $(now) s, $(grep MemAvailable /proc/meminfo)"
		reload_once "$n"
	done
	[ -d /sys/module/tcpstates ] || insmod "$ko" 2>"$out/reload.err" ||
		reload_fail final "insmod failed"
}

# ---- verdicts ----

check_churn() {
	conns=$(kv "$out/churn.out" connections)
	netns=$(kv "$out/churn.out" netns_created)
	section churn "$1" "$out/churn.out" "$out/churn.err"
	rate=$((conns / secs))
	if [ "$1" -eq 0 ] && [ "$conns" -gt 1000 ]; then
		ok "stress-churn $conns connections in $secs s ($rate/s), $netns namespaces made"
	else
		not_ok "stress-churn rc=$1: $conns connections in $secs s (want > 1000), $netns namespaces made"
	fi
}

total_reads=0
total_rows=0
total_stale=0
total_absent=0
total_bad=0

# check_reader NAME RC: exit 0 means no bad read; it must have read too.
check_reader() {
	f=$out/read-$1
	reads=$(kv "$f.out" reads)
	total_reads=$((total_reads + reads))
	total_rows=$((total_rows + $(kv "$f.out" rows)))
	total_stale=$((total_stale + $(kv "$f.out" stale_reads)))
	total_absent=$((total_absent + $(kv "$f.out" absent_opens)))
	total_bad=$((total_bad + $(kv "$f.out" bad)))
	section "reader-$1" "$2" "$f.out" "$f.err"
	line=$(tr '\n' ' ' <"$f.out")
	if [ "$2" -eq 0 ] && [ "$reads" -gt 0 ]; then
		ok "stress-reader-$1 no bad read: $line"
	else
		not_ok "stress-reader-$1 rc=$2: ${line:-no verdict} (stderr in section reader-$1)"
	fi
}

check_reloads() {
	section reloads 0 "$out/reloads.log"
	if [ "$reload_failures" -eq 0 ] && [ "$reloads" -ge 5 ]; then
		ok "stress-reloads $reloads rmmod/insmod cycles under load, none failed"
	else
		not_ok "stress-reloads $reloads cycles (want >= 5), $reload_failures failures"
	fi
}

check_loaded() {
	if [ -d /sys/module/tcpstates ] && tcpstress read --seconds 0 \
		>"$out/final.out" 2>"$out/final.err"; then
		ok "stress-module-loaded-at-end and reads back valid: $(cat "$out/final.out")"
	else
		section final-read 1 "$out/final.out" "$out/final.err"
		not_ok "stress-module-loaded-at-end"
	fi
}

# ---- kmemleak, when the kernel has it ----

kmemleak=/sys/kernel/debug/kmemleak
kmemleak_state=absent

# Leaks from boot are not ours: mark what is known now as seen.
kmemleak_start() {
	[ -e $kmemleak ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	[ -e $kmemleak ] || return 0
	if echo scan >$kmemleak 2>/dev/null && echo clear >$kmemleak 2>/dev/null; then
		kmemleak_state=on
	else
		kmemleak_state=off
		comment "kmemleak is present but not active"
	fi
}

# Two scans: an object must look unreferenced twice to be reported.
kmemleak_check() {
	[ $kmemleak_state = on ] || return 0
	echo scan >$kmemleak
	sleep 5
	echo scan >$kmemleak
	cat $kmemleak >"$out/kmemleak"
	leaks=$(grep -c '^unreferenced object' "$out/kmemleak")
	ours=$(awk '/^unreferenced object/ { n += hit; hit = 0 }
		/tcpstates|tcps_/ { hit = 1 } END { print n + hit }' "$out/kmemleak")
	if [ "$leaks" -eq 0 ]; then
		ok "stress-kmemleak no unreferenced object after the run"
	else
		section kmemleak 1 "$out/kmemleak"
		not_ok "stress-kmemleak $leaks unreferenced objects, $ours naming tcpstates (section kmemleak)"
	fi
}

# ---- the run ----

secs=$(stress_seconds)
if [ ! -r /proc/tcpstates ]; then
	not_ok "stress-module-loaded-at-start"
	exit 0
fi
kmemleak_start
echo "stress: $secs s, kernel $(uname -r)"

# Hard stops, so a hung program is a failure here, not a harness timeout.
limit=$((secs + 120))
start=$(now)
timeout -k 5 $limit tcpstress churn --seconds "$secs" --netns 3 \
	--procs 2 >"$out/churn.out" 2>"$out/churn.err" 3>&- &
churn=$!
timeout -k 5 $limit tcpstress read --seconds "$secs" \
	--bufsizes 1,7,100,4096 \
	>"$out/read-small-buffers.out" 2>"$out/read-small-buffers.err" 3>&- &
small=$!
timeout -k 5 $limit tcpstress read --seconds "$secs" --hold-open \
	--bufsizes 4096,65536,1048576,7 \
	>"$out/read-held-open.out" 2>"$out/read-held-open.err" 3>&- &
held=$!
timeout -k 5 $limit unshare -n tcpstress read --seconds "$secs" \
	--bufsizes 100,1048576,1,4096 \
	>"$out/read-other-netns.out" 2>"$out/read-other-netns.err" 3>&- &
other=$!
# The reloads must keep their pace on a slow kernel: this shell, and what
# it starts from now on, goes before the load started above.
renice -n -5 -p $$ >/dev/null || comment "renice failed: reloads share the CPU"

reload_loop >"$out/reloads.log" 2>&1
cat "$out/reloads.log"

wait $churn
churn_rc=$?
wait $small
small_rc=$?
wait $held
held_rc=$?
wait $other
other_rc=$?
elapsed=$(($(now) - start))
echo "stress: all done after $elapsed s"

check_churn $churn_rc
check_reader small-buffers $small_rc
check_reader held-open $held_rc
check_reader other-netns $other_rc
check_reloads
check_loaded
kmemleak_check

figures="reads=$total_reads rows=$total_rows connections=$conns netns=$netns reloads=$reloads seconds=$secs"
comment "stress: $figures"
for pair in $figures connections_per_second=$rate stale_reads=$total_stale \
	absent_opens=$total_absent bad_reads=$total_bad \
	reload_failures=$reload_failures wall_seconds=$elapsed; do
	echo "$pair"
done >"$out/figures"
section stress-figures 0 "$out/figures"
exit 0
