#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest half of tests/apt-guest.sh, second stage: on a booted Debian
# machine (tests/guest/apt-boot.sh made it the root; no network), what a
# user does with the two packages, each step a numbered ok/not ok on fd 3:
#   - apt-get install ./tcpstates-dkms_V_all.deb ./tcpstates_V_ARCH.deb
#     builds the module for the running kernel with DKMS, and skips a newer
#     kernel of a series it does not support (a fake one, 99.1.0, whose
#     headers are the running kernel's: only dkms.conf's
#     BUILD_EXCLUSIVE_KERNEL stops the build), whose own postinst hook
#     still exits 0;
#   - modprobe tcpstates loads DKMS's module (updates/dkms, version V);
#   - tcpstates -s exits 0 with the counts of the module's own counter
#     block, and sockets opened here show in /proc/tcpstates as in
#     /proc/net/tcp, the counts of each state as there;
#   - with two readers holding /proc/tcpstates open mid-read, apt-get
#     install of version NEXT upgrades both packages; DKMS then has NEXT
#     alone, installed for the running kernel; the first reader finishes
#     its read; after rmmod and modprobe, the module and tcpstates -V say
#     NEXT, and the second reader gets a clean EOF or error, no hang;
#   - apt-get purge leaves no DKMS tree, source, module, unit, systemd
#     link or dpkg record; the kernel is tainted by nothing but an
#     out-of-tree, unsigned module.
# The versions are those of the .debs in /root/debs (the lower V, the
# higher NEXT).  Every command's output goes to a log in /root/logs, and
# a failed step's tail to the console.  Ends with "ok N - every step ran"
# (the host requires it) and exits 1 if any step failed.
set -uo pipefail

logs=/root/logs
mkdir -p "$logs"
n=0 failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $*" >&3
	echo "apt-guest: ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*" >&3
	echo "apt-guest: not ok $n - $*"
}
# check NAME CMD...: CMD succeeds; its output in $logs/N.log, whose last
# lines go to the console if it fails.
check() {
	local name=$1 log=$logs/$((n + 1)).log t0=$SECONDS rc
	shift
	"$@" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		ok "$name ($((SECONDS - t0)) s)"
		return 0
	fi
	not_ok "$name (status $rc, $((SECONDS - t0)) s)"
	tail -n 25 "$log" | sed 's/^/#   /'
	return 1
}
# is NAME EXPECTED ACTUAL (a result line is one line: newlines shown as |)
is() {
	if [ "$2" = "$3" ]; then ok "$1: $3"; else
		not_ok "$1: expected '$2', got '$(printf %s "$3" | tr '\n' '|')'"
	fi
}
finish() {
	echo "# $n steps, $failed failed" >&3
	[ "$failed" -eq 0 ]
	exit
}
# The last two fields of each line of the counter block (after the first
# blank line) of a /proc/tcpstates snapshot, and of tcpstates -s.
block() { awk 'b { print $1, $2 } /^$/ { b = 1 }' "$1"; }

kv=$(uname -r)
arch=$(dpkg --print-architecture)
cd /root/debs || exit 1
# The versions as dpkg orders them (sort -V puts 0.2.0.1_all before
# 0.2.0_all).
dk=(tcpstates-dkms_*_all.deb)
v='' next=''
if [ ${#dk[@]} -eq 2 ]; then
	v=$(dpkg-deb -f "${dk[0]}" Version)
	next=$(dpkg-deb -f "${dk[1]}" Version)
	if dpkg --compare-versions "$v" gt "$next"; then
		v=$next next=$(dpkg-deb -f "${dk[0]}" Version)
	fi
fi
if [ -z "$v" ] || [ -z "$next" ] || [ "$v" = "$next" ]; then
	not_ok "two versions of tcpstates-dkms in /root/debs: ${dk[*]}"
	finish
fi
echo "# Debian $(cat /etc/debian_version), kernel $kv, tcpstates $v then $next," \
	"dkms $(dpkg-query -W -f='${Version}' dkms)" >&3

# A kernel this machine also has, of a series the module does not support:
# its build tree, and its config in /boot, where DKMS's package postinst
# looks for the newest kernel to build for besides the running one.
future=99.1.0-tcps-future
mkdir -p "/lib/modules/$future"
ln -s "$(readlink -f "/lib/modules/$kv/build")" "/lib/modules/$future/build"
cp "/boot/config-$kv" "/boot/config-$future"

# 1. The machine as the test needs it: the running kernel's headers and
# modules, no tcpstates anywhere yet, and no way to the network.
check "the running kernel's headers and modules are installed, no tcpstates" \
	sh -c "test -f /lib/modules/$kv/build/Makefile &&
		test -f /lib/modules/$kv/modules.dep &&
		! dpkg -s tcpstates-dkms tcpstates &&
		test ! -e /proc/tcpstates &&
		test -z \"\$(ip -o route show)\""

# 2. The install, as the README tells a user; DKMS builds under TCG.
check "apt-get install ./tcpstates-dkms_${v}_all.deb ./tcpstates_${v}_$arch.deb" \
	apt-get install -y -o Dpkg::Use-Pty=0 "./tcpstates-dkms_${v}_all.deb" \
	"./tcpstates_${v}_$arch.deb" ||
	tail -n 25 "/var/lib/dkms/tcpstates/$v/build/make.log" 2>/dev/null | sed 's/^/#   /'
is "DKMS's status for $kv" "tcpstates/$v, $kv, $(uname -m): installed" \
	"$(dkms status -m tcpstates -v "$v" -k "$kv" 2>/dev/null)"
ko=$(ls "/lib/modules/$kv/updates/dkms/"tcpstates.ko* 2>/dev/null)
is "DKMS's module for $kv is in place" \
	"/lib/modules/$kv/updates/dkms/tcpstates.ko${ko##*.ko}" "$ko"
is "DKMS built nothing for $future, an unsupported series" "" \
	"$(ls "/lib/modules/$future/updates/dkms" 2>/dev/null; dkms status -m tcpstates -k "$future" 2>/dev/null | grep -E 'built|installed')"
check "$future's own postinst hook (/etc/kernel/postinst.d/dkms) exits 0" \
	/etc/kernel/postinst.d/dkms "$future"
is "dpkg has both packages installed, version $v" "ii $v ii $v" \
	"$(dpkg-query -W -f='${db:Status-Abbrev}${Version} ' tcpstates-dkms tcpstates | tr -s ' ' | sed 's/ $//')"
is "the metrics timer is installed but not enabled" disabled \
	"$(systemctl is-enabled tcpstates-textfile.timer 2>&1)"

# 3. modprobe, as at boot: the module DKMS installed, of dkms.conf's version.
check "modprobe tcpstates" modprobe tcpstates
is "modinfo's file is DKMS's" "$ko" "$(modinfo -F filename tcpstates 2>&1)"
is "modinfo's version is dkms.conf's PACKAGE_VERSION" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "/usr/src/tcpstates-$v/dkms.conf")" \
	"$(modinfo -F version tcpstates 2>&1)"
is "the loaded module's version" "$v" "$(cat /sys/module/tcpstates/version 2>&1)"

# 4. The reader on sockets of our own: a listener and a connection to it
# (both ends established), against /proc/net/tcp.
nc -dlk 127.0.0.1 40001 >/dev/null 2>&1 &
listener=$!
for _ in $(seq 50); do grep -q ':9C41 00000000:0000 0A' /proc/net/tcp && break; sleep 0.1; done
exec 6<>/dev/tcp/127.0.0.1/40001
sleep 0.5
cat /proc/tcpstates >"$logs/snapshot"
tcpstates -s >"$logs/summary" 2>&1
is "tcpstates -s exits 0" 0 "$?"
if [ -s "$logs/summary" ] && [ "$(block "$logs/snapshot")" = "$(awk '{ print $1, $2 }' "$logs/summary")" ]; then
	ok "tcpstates -s counts equal the module's counter block"
else
	not_ok "tcpstates -s counts equal the module's counter block"
	diff <(block "$logs/snapshot") <(awk '{ print $1, $2 }' "$logs/summary") | sed 's/^/#   /'
fi
# /proc/net/tcp{,6}: state 0A (LISTEN) and 01 (ESTABLISHED) rows.
oracle() { awk -v s="$1" 'FNR > 1 && $4 == s' /proc/net/tcp /proc/net/tcp6 | wc -l; }
is "LISTEN count as in /proc/net/tcp" "LISTEN $(oracle 0A)" \
	"$(grep '^LISTEN ' "$logs/summary" | tr -s ' ')"
is "ESTABLISHED count as in /proc/net/tcp" "ESTABLISHED $(oracle 01)" \
	"$(grep '^ESTABLISHED ' "$logs/summary" | tr -s ' ')"
tcpstates -H >"$logs/rows" 2>&1
is "tcpstates shows the listener and both ends of the connection" \
	"LISTEN ESTABLISHED ESTABLISHED" \
	"$(awk '$4 == "127.0.0.1:40001" || $5 == "127.0.0.1:40001" { print $6 }' "$logs/rows" | sort -r | xargs)"

# 5. The upgrade, two readers holding the file open mid-read: fd 4 reads
# on after it, fd 5 after the module is reloaded too.
first4='' first5=''
exec 4</proc/tcpstates 5</proc/tcpstates
IFS= read -r first4 <&4
IFS= read -r first5 <&5
is "two readers hold /proc/tcpstates mid-read" "tcpstates tcpstates" \
	"${first4%% *} ${first5%% *}"
check "apt-get install ./tcpstates-dkms_${next}_all.deb ./tcpstates_${next}_$arch.deb (the upgrade)" \
	apt-get install -y -o Dpkg::Use-Pty=0 "./tcpstates-dkms_${next}_all.deb" \
	"./tcpstates_${next}_$arch.deb" ||
	tail -n 25 "/var/lib/dkms/tcpstates/$next/build/make.log" 2>/dev/null | sed 's/^/#   /'
is "DKMS has only $next, installed for $kv" \
	"tcpstates/$next, $kv, $(uname -m): installed" \
	"$(dkms status -m tcpstates 2>/dev/null)"
is "no DKMS tree or source of $v is left" "" \
	"$(for d in "/var/lib/dkms/tcpstates/$v" "/usr/src/tcpstates-$v"; do [ ! -e "$d" ] || echo "$d"; done)"
is "dpkg has both packages at $next" "ii $next ii $next" \
	"$(dpkg-query -W -f='${db:Status-Abbrev}${Version} ' tcpstates-dkms tcpstates | tr -s ' ' | sed 's/ $//')"
timeout 60 cat <&4 >"$logs/rest4" 2>"$logs/rest4.err"
rc=$?
exec 4<&-
# (A reader that never opened the file proves nothing: step 18 said so.)
if [ -z "$first4" ]; then
	not_ok "the first reader finishes its read after the upgrade (it held nothing)"
elif [ "$rc" -eq 0 ] && grep -q '^Total ' "$logs/rest4"; then
	ok "the first reader finishes its read after the upgrade ($(grep '^Total ' "$logs/rest4" | tr -s ' '))"
elif [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ] && [ "$rc" -lt 128 ]; then
	ok "the first reader gets a clean error after the upgrade: $(head -n 1 "$logs/rest4.err")"
else
	not_ok "the first reader finishes its read after the upgrade (status $rc)"
fi
is "the module still loaded is $v until it is reloaded" "$v" \
	"$(cat /sys/module/tcpstates/version 2>&1)"
check "rmmod tcpstates; modprobe tcpstates (a reader still holding the file)" \
	sh -c 'rmmod tcpstates && modprobe tcpstates'
is "modinfo's version after the reload" "$next" "$(modinfo -F version tcpstates 2>&1)"
is "the loaded module's version after the reload" "$next" \
	"$(cat /sys/module/tcpstates/version 2>&1)"
is "tcpstates -V" "tcpstates $next" "$(tcpstates -V 2>&1 | cut -d ' ' -f 1,2)"
timeout 60 cat <&5 >"$logs/rest5" 2>"$logs/rest5.err"
rc=$?
exec 5<&-
if [ -n "$first5" ] && [ "$rc" -ne 124 ] && [ "$rc" -lt 128 ]; then
	ok "the second reader ends cleanly after the reload (status $rc: $(head -n 1 "$logs/rest5.err"); $(wc -l <"$logs/rest5") more lines)"
else
	not_ok "the second reader ends cleanly after the reload (status $rc)"
fi
cat /proc/tcpstates >"$logs/snapshot2"
if tcpstates -s >"$logs/summary2" 2>&1 && [ "$(block "$logs/snapshot2")" = "$(awk '{ print $1, $2 }' "$logs/summary2")" ]; then
	ok "tcpstates -s $next exits 0 with the counts of $next's counter block"
else
	not_ok "tcpstates -s $next exits 0 with the counts of $next's counter block"
fi
exec 6<&-
kill "$listener" 2>/dev/null
wait "$listener" 2>/dev/null

# 6. The purge: nothing of either package left.
check "apt-get purge tcpstates-dkms tcpstates" \
	apt-get purge -y -o Dpkg::Use-Pty=0 tcpstates-dkms tcpstates
left=$(ls -d /var/lib/dkms/tcpstates /usr/src/tcpstates-* /usr/bin/tcpstates \
	/usr/share/doc/tcpstates* /usr/share/man/man8/tcpstates.8* 2>/dev/null
	find /lib/modules/ /usr/lib/modules/ -name 'tcpstates.ko*' 2>/dev/null
	find /lib/systemd /usr/lib/systemd /etc/systemd /var/lib/systemd \
		-name '*tcpstates*' 2>/dev/null
	grep -l tcpstates /lib/modules/*/modules.dep 2>/dev/null)
is "the purge leaves nothing behind" "" "$(echo "$left" | sort -u | xargs)"
# dpkg may keep a purged package's selection ("pn"): not installed, no
# files, no conffiles, no maintainer scripts.
is "dpkg has no record of either package" "" \
	"$(ls /var/lib/dpkg/info/tcpstates* 2>/dev/null
	dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' tcpstates-dkms tcpstates 2>/dev/null |
		awk 'substr($2, 2, 1) != "n"' | xargs)"

# 7. The kernel's taint: only O (out-of-tree, 4096) and E (unsigned, 8192)
# may be set by our module; any other bit (a WARN, a forced load, a bad
# page) is a failure even if nothing reached the console.
tainted=$(cat /proc/sys/kernel/tainted)
is "the kernel is tainted by nothing but an out-of-tree, unsigned module" 0 \
	"$((tainted & ~(4096 | 8192)))"

ok "every step ran"
finish
