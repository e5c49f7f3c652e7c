#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the memory cgroup test, run by tests/vm/init.sh as
# /test.sh with the module loaded: "tcpstress partial" as a user confined
# to a 128 KiB memory cgroup, in a netns whose 4000 held sockets share
# one chain.  Its memory is charged to that cgroup, and the limit gives
# ENOMEM, not the OOM killer: opening the transitions log fails, the read
# that reaches the chain fails; after the limit is lifted the same file
# reads on from where it stopped, one walk, each held connection once.

out=/tmp/memcg
mkdir -p "$out"
ok() { echo "ok $*" >&3; echo "memcg: ok $*"; }
not_ok() { echo "not ok $*" >&3; echo "memcg: not ok $*"; }

cg=/sys/fs/cgroup
if ! mount -t cgroup2 none $cg 2>"$out/err" ||
	! echo +memory >$cg/cgroup.subtree_control 2>>"$out/err" ||
	! mkdir $cg/reader 2>>"$out/err"; then
	not_ok "memcg: a memory cgroup: $(tr '\n' ' ' <"$out/err")"
	exit 0
fi
echo 1 >/proc/sys/net/ipv4/tcp_child_ehash_entries
ulimit -n 16384
tcpstress partial --pairs 2000 --cgroup $cg/reader >"$out/out" 2>"$out/err"
rc=$?
echo 0 >/proc/sys/net/ipv4/tcp_child_ehash_entries
line=$(cat "$out/out")
echo "BEGIN memcg-partial" >&3
cat "$out/out" "$out/err" >&3
echo "END memcg-partial rc=$rc" >&3
if [ "$rc" -eq 0 ]; then
	ok "memcg: ENOMEM at the cgroup's limit, then the same walk read on: $line"
else
	not_ok "memcg: rc=$rc: ${line:-no verdict} (section memcg-partial)"
fi
events=$(sed -n 's/^oom_kill \([0-9]*\)$/\1/p' $cg/reader/memory.events)
if [ "${events:-0}" -eq 0 ]; then
	ok "memcg: the cgroup's OOM killer never ran"
else
	not_ok "memcg: the cgroup's OOM killer ran ${events} times"
fi
