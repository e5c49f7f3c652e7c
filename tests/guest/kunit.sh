#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the KUnit run on the debug kernel.  The socket tests need a
# fresh netns with lo up (a module cannot make one): a process parked in it
# is handed to the test module as netns_pid=.  The suites run at insmod; their
# KTAP, from debugfs, goes to the result channel for kunit.py on the host.

ok() { echo "ok $*" >&3; }
not_ok() { echo "not ok $*" >&3; }

grep -q " /sys/kernel/debug " /proc/mounts ||
	mount -t debugfs debugfs /sys/kernel/debug

unshare -n sh -c 'ip link set lo up && exec sleep 600' &
parked=$!
i=0
# Until the process is in its own netns (at first it is still in ours,
# where lo is up too) and that netns's lo is up.
until [ "$(readlink /proc/$parked/ns/net)" != "$(readlink /proc/self/ns/net)" ] &&
	nsenter -t "$parked" -n ip -o link show lo 2>/dev/null | grep -q LOWER_UP; do
	i=$((i + 1))
	[ $i -lt 100 ] || { not_ok "kunit netns with lo up"; exit 1; }
	sleep 0.1
done

if insmod /bin/tcpstates_kunit.ko netns_pid="$parked"; then
	ok "tcpstates_kunit loads"
else
	not_ok "tcpstates_kunit loads"
fi

suites=0
for d in /sys/kernel/debug/kunit/tcpstates_*; do
	[ -r "$d/results" ] || continue
	suites=$((suites + 1))
	echo "BEGIN kunit:${d##*/}" >&3
	cat "$d/results" >&3
	echo "END kunit:${d##*/} rc=0" >&3
done
[ "$suites" -eq 8 ] && ok "eight KUnit suites reported" ||
	not_ok "eight KUnit suites reported (saw $suites)"

rmmod tcpstates_kunit && ok "tcpstates_kunit unloads" ||
	not_ok "tcpstates_kunit unloads"
kill "$parked"
exit 0
