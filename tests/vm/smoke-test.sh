#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest script (runs as /test.sh under the guest's /bin/sh, dash) that
# checks the harness itself: the guest userspace works and the tools tests
# rely on are the real ones. Build with MODULE_KO=none.
#
# "smoke=MODE" on the kernel command line (VM_APPEND) makes it misbehave on
# purpose, to show the host-side verdict catches it:
#   fail     report a "not ok" line      rc     exit with status 3
#   panic    crash the kernel            hang   never finish (timeout)
#   garbage  write a malformed result line

# Report on the result channel (fd 3) and echo to the console for context.
result() {
	echo "$*" >&3
	echo "smoke: $*"
}

# check NAME COMMAND...: ok if COMMAND succeeds, else not ok with its output.
check() {
	name=$1
	shift
	if out=$("$@" 2>&1); then
		result "ok $name"
	else
		result "not ok $name $(echo "$out" | head -n 1)"
	fi
	[ -z "$out" ] || echo "$out" | head -n 5
}

check proc-net-tcp-readable grep -q local_address /proc/net/tcp
check smp-2-cpus test "$(nproc)" = 2
check ss-tan ss -tan
check ip-is-iproute2 sh -c 'ip -V | grep -q iproute2'
check netstat-tan netstat -tan
check netstat-is-net-tools sh -c 'netstat --version | grep -q net-tools'
check sh-is-dash test "$(readlink /bin/sh)" = dash
# Command runners must find the real ip/netstat too (busybox's would not).
check timeout-runs-real-ip sh -c 'timeout 10 ip -V | grep -q iproute2'
check env-runs-real-netstat sh -c 'env netstat --version | grep -q net-tools'
check nsenter-runs-real-ip sh -c 'nsenter -t 1 -n ip -V | grep -q iproute2'
# shellcheck disable=SC2016 # expanded by the inner bash
check bash-runs bash -c 'set -euo pipefail; [[ -n $BASH_VERSION ]]'

# A listening socket must be visible through both proc and ss.
nc -l -p 5555 >/dev/null 2>&1 &
nc_pid=$!
sleep 0.5
check ss-sees-listener sh -c 'ss -tln | grep -q ":5555 "'
# busybox nc listens on the IPv6 wildcard, so look in tcp6 as well.
check proc-sees-listener grep -q ':15B3 [0-9A-F]*:0000 0A' /proc/net/tcp /proc/net/tcp6
kill "$nc_pid"

check netns-add ip netns add x
check netns-exec ip netns exec x ip link show lo
check netns-del ip netns del x

# Informational: where some commands guest scripts may want come from.
for cmd in nsenter unshare timeout setsid cmp md5sum taskset nc; do
	if [ "$(readlink "/bin/$cmd")" = busybox ]; then
		echo "# $cmd: busybox applet" >&3
	elif [ -e "/bin/$cmd" ]; then
		echo "# $cmd: real binary" >&3
	else
		echo "# $cmd: missing" >&3
	fi
done

case " $(cat /proc/cmdline) " in
*" smoke=fail "*) result "not ok smoke-deliberate-failure requested by smoke=fail" ;;
*" smoke=garbage "*) echo "this is not a result line" >&3 ;;
*" smoke=rc "*) exit 3 ;;
*" smoke=panic "*) echo c >/proc/sysrq-trigger ;;
*" smoke=hang "*) sleep 100000 ;;
esac
exit 0
