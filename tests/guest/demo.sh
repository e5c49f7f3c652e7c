#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest half of tests/demo.sh: hold sockets in every state, show the file.
scenario hold /tmp/manifest >/tmp/scenario.out 2>&1 &
i=0
while [ ! -e /tmp/manifest ] && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ -e /tmp/manifest ] || { cat /tmp/scenario.out; exit 1; }
{
	echo '$ cat /proc/tcpstates'
	cat /proc/tcpstates
	echo
	echo '$ nsenter -t <pid in a second netns> -n cat /proc/tcpstates'
	pid=$(awk '$1 == "NETNS" { print $3; exit }' /tmp/manifest)
	nsenter -t "$pid" -n cat /proc/tcpstates
} >&3
