#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of the DKMS boot: load the module the way an appliance does,
# from the DKMS-installed tree by modprobe, then run the whole scenario.
ok() { echo "ok $*" >&3; }
not_ok() { echo "not ok $*" >&3; }

kver=$(uname -r)
if modprobe tcpstates; then
	ok "modprobe tcpstates ($kver)"
else
	not_ok "modprobe tcpstates ($kver)"
	exit 1
fi
path=$(modinfo -F filename tcpstates 2>/dev/null || modinfo tcpstates | awk '/^filename:/ { print $2 }')
case "$path" in
*/updates/dkms/tcpstates.ko*) ok "loaded from the DKMS tree ($path)" ;;
*) not_ok "loaded from the DKMS tree (modinfo says '$path')" ;;
esac
exec /bin/scenario.sh
