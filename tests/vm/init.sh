#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the test guest, installed as /init. /bin/sh in the guest is
# dash (see mkinitramfs.sh for why not busybox ash); the commands used here
# are busybox applets found through $PATH.
#
# Sets up a minimal system, loads the module, runs /test.sh with its
# results going to fd 3 = /dev/ttyS1 (or tcps_result=), then writes
# "TCPSTATES-HARNESS-DONE rc=N" there and powers off. The host trusts only
# that second serial port: a panic, hang or timeout can never produce the
# DONE line, so it can never look like success.
#
# Deliberately no "set -eu": if PID 1 exits, the kernel panics and we lose
# the chance to say what went wrong. Each step reports its own failure and
# we carry on to the end.

export PATH=/bin HOME=/root TERM=dumb
cd /

# /dev first: the console and the result port live there.
mount -t devtmpfs devtmpfs /dev
# Whatever console the kernel gave us came from the rootfs; use devtmpfs's.
exec </dev/console >/dev/console 2>&1
# The result port: the second serial port, or the virtio console that
# run-vm.sh names with tcps_result= where a machine has one UART (arm64).
mount -t proc proc /proc
result=ttyS1
for word in $(cat /proc/cmdline); do
	case "$word" in tcps_result=*) result=${word#tcps_result=} ;; esac
done
exec 3>"/dev/$result"

# Send a line both to the result port and, for context, to the console.
report() {
	echo "$*" >&3
	echo "harness: $*"
}

# Run a setup command; on failure record it rather than give up.
setup() {
	"$@" || report "not ok harness-setup $*"
}

setup mount -t sysfs sysfs /sys
setup mkdir -p /dev/pts /dev/shm
setup mount -t devpts devpts /dev/pts
setup mount -t tmpfs tmpfs /dev/shm
setup mount -t tmpfs tmpfs /tmp
setup mount -t tmpfs tmpfs /run
# /var/run is a link to /run; "ip netns" keeps its mount points here.
setup mkdir -p /var/run/netns
setup hostname guest
setup ip link set lo up

echo "harness: kernel $(uname -r), cmdline: $(cat /proc/cmdline)"

# Helper modules requested at build time (KMODS), dependencies first.
while read -r ko; do
	setup insmod "$ko"
done </lib/modules/kmods.list

if [ -f /lib/modules/tcpstates.ko ]; then
	if insmod /lib/modules/tcpstates.ko; then
		report "ok harness-insmod"
	else
		report "not ok harness-insmod insmod tcpstates.ko failed"
	fi
fi

echo "harness: running /test.sh"
# stdin from /dev/null: nobody types on the console, a read would hang.
/test.sh </dev/null
rc=$?
echo "harness: /test.sh exited with $rc"

# Anything the test left running could keep the module busy or fd 3 open.
kill -KILL -1 2>/dev/null
sleep 0.1

# Unloading after the test exercises the module's teardown with whatever
# state the test left behind, and a bug there shows up on the console.
if [ -d /sys/module/tcpstates ]; then
	if rmmod tcpstates; then
		report "ok harness-rmmod"
	else
		report "not ok harness-rmmod rmmod tcpstates failed"
	fi
fi

echo "harness: done, guest uptime $(cut -d ' ' -f 1 /proc/uptime) s"
echo "TCPSTATES-HARNESS-DONE rc=$rc" >&3
# The last close of a serial tty waits until the UART has sent everything;
# the sleep is a margin for QEMU writing the bytes to its file.
exec 3>&-
sync
sleep 0.2
# reboot, not poweroff: QEMU runs with -no-reboot, so a reboot ends it on
# every kernel, while poweroff only halts one built without ACPI (the debug
# kernel) and would leave QEMU running until the host's timeout.
reboot -f
