#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# DKMS on another Debian release, in a root made by tests/roots.sh, or on
# this machine itself ("host"), the way apt drives it on an appliance: the
# .deb installed with the headers of the proven kernels present, and of
# kernels the module does not support:
# kernels outside dkms.conf's BUILD_EXCLUSIVE_KERNEL (build trees under
# a future and an unproven release, and a real header package of an
# unproven series when the archive has one).
# DKMS must skip those with its own message, and neither `dkms
# autoinstall` nor the kernel's postinst hook may fail for them: a kernel
# upgrade must never break on tcpstates.  Then an upgrade to a newer
# version, and a purge that leaves nothing behind.
#
# usage: tests/dkms-root.sh SUITE|host KVER...
#   KVER: the proven kernels whose headers are there
# Prints ok/not ok lines and "passed=N failed=M".
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

[ $# -ge 2 ] || { echo "usage: $0 SUITE KVER..." >&2; exit 2; }
suite=$1
shift
proven=("$@")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
logs=.build/dkms-$suite
rm -rf "$logs"
mkdir -p "$logs"
passed=0 failed=0
ok() { echo "ok $suite: $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok $suite: $*"; failed=$((failed + 1)); }
# check NAME CMD...: CMD (run in the root) succeeds.
check() {
	local name=$1
	shift
	if in_root "$@" >"$logs/last.log" 2>&1; then ok "$name"; else
		not_ok "$name (see $logs/$(echo "$name" | tr -c 'a-z0-9.\n' _).log)"
		cp "$logs/last.log" "$logs/$(echo "$name" | tr -c 'a-z0-9.\n' _).log"
		tail -n 15 "$logs/last.log" | sed 's/^/#   /'
	fi
}
finish() {
	in_root sh -c 'dpkg --purge tcpstates-dkms; rm -rf /lib/modules/*-tcps-*' \
		>/dev/null 2>&1
	echo "passed=$passed failed=$failed"
	[ "$failed" -eq 0 ]
	exit
}
if [ "$suite" = host ]; then
	# This machine itself: its own apt, dkms and kernels.
	in_root() { "$@"; }
	root=/ work=$PWD
else
	in_root() { tests/roots.sh run "$suite" "$@"; }
	root=$(tests/roots.sh root "$suite") || { not_ok "the $suite root"; finish; }
	work=/work
fi

# From a clean slate: no package, no DKMS record, no source tree.
in_root sh -c 'dpkg --purge tcpstates-dkms
	for v in $(ls /var/lib/dkms/tcpstates 2>/dev/null | grep -vx source); do
		dkms remove -m tcpstates -v "$v" --all
	done
	rm -rf /usr/src/tcpstates-*' >/dev/null 2>&1

# dkms.conf's regex against this run's matrix: it admits every proven
# series and nothing around them.
source tests/kernels.sh
regex=$(sed -n 's/^BUILD_EXCLUSIVE_KERNEL="\(.*\)"$/\1/p' dkms.conf)
for kv in "${TCPS_KERNELS[@]}" "${proven[@]}"; do
	[[ $kv =~ $regex ]] && ok "BUILD_EXCLUSIVE_KERNEL admits $kv" ||
		not_ok "BUILD_EXCLUSIVE_KERNEL admits $kv"
done
for kv in 5.10.0-1-amd64 6.0.1-amd64 6.2.0-1-amd64 6.10.3-amd64 6.11.1-amd64 \
	6.13.1-amd64 6.120.1-amd64 7.0.1+deb13-amd64 7.1.13+deb13-amd64 \
	7.4.1+deb13-amd64 7.20.1-amd64 8.0.1+deb14-amd64 16.12.1-amd64; do
	[[ $kv =~ $regex ]] && not_ok "BUILD_EXCLUSIVE_KERNEL refuses $kv" ||
		ok "BUILD_EXCLUSIVE_KERNEL refuses $kv"
done

# Kernels DKMS must skip: a future series and an unproven one between
# proven series, as build trees under releases the regex does not admit
# (a symlink to a proven kernel's headers, so only the regex stops the
# build), and a real header package of an unproven series when the
# archive still carries one (trixie-backports keeps only recent headers).
skip=(99.1.0-tcps-future 7.1.0-tcps-unproven)
for kv in "${skip[@]}"; do
	mkdir -p "$root/lib/modules/$kv"
	ln -sfn "$(readlink "$root/lib/modules/${proven[0]}/build")" \
		"$root/lib/modules/$kv/build"
done
unsupported=$(in_root apt-cache pkgnames linux-headers- |
	sed -n 's/^linux-headers-\([0-9.]*+deb[0-9]*-amd64\)$/\1/p' | sort -V |
	while read -r kv; do [[ $kv =~ $regex ]] || echo "$kv"; done | tail -n 1)
if [ -n "$unsupported" ]; then
	check "headers of $unsupported, an unproven series, installed" \
		apt-get install -y -qq --no-install-recommends \
		"linux-headers-$unsupported"
	skip+=("$unsupported")
else
	echo "# $suite: the archive has no header package of an unproven series"
fi

# run.sh's two lanes run this for two roots: one make deb at a time (it
# rebuilds .build/deb), and each keeps its own copy of the package.
deb=$logs/tcpstates-dkms_${version}_all.deb
flock .build/.make-deb.lock sh -c "make --no-print-directory deb &&
	cp .build/tcpstates-dkms_${version}_all.deb $deb" >"$logs/make-deb.log" 2>&1 &&
	ok "make deb" || { not_ok "make deb (see $logs/make-deb.log)"; finish; }

installed() { # KVER VERSION: DKMS installed VERSION's module for KVER
	ls "$root/lib/modules/$1/updates/dkms/"tcpstates.ko* >/dev/null 2>&1 &&
		in_root dkms status -m tcpstates -v "$2" -k "$1" 2>/dev/null |
		grep -q ': installed'
}
want() { # yes|no KVER VERSION NAME: whether it is installed, as NAME
	local is=no
	installed "$2" "$3" && is=yes
	[ "$is" = "$1" ] && ok "$4" || not_ok "$4"
}
check "apt install ./tcpstates-dkms (dkms $(in_root dpkg-query -W -f='${Version}' dkms))" \
	apt-get install -y -qq "$work/$deb"
for kv in "${proven[@]}"; do
	want yes "$kv" "$version" "installed for $kv"
done

for kv in "${skip[@]}"; do
	want no "$kv" "$version" "nothing installed for $kv"
	check "dkms autoinstall -k $kv exits 0" dkms autoinstall -k "$kv"
	check "the kernel postinst hook (/etc/kernel/postinst.d/dkms $kv) exits 0" \
		/etc/kernel/postinst.d/dkms "$kv"
	# DKMS's own status for a BUILD_EXCLUSIVE skip is 77, not a failure.
	check "dkms install -k $kv is skipped (status 77)" \
		sh -c "dkms install -m tcpstates -v $version -k $kv; [ \$? = 77 ]"
	grep -q 'BUILD_EXCLUSIVE' "$logs/last.log" &&
		ok "dkms says why it skips $kv" ||
		not_ok "dkms says why it skips $kv: $(tail -n 3 "$logs/last.log")"
	want no "$kv" "$version" "still nothing installed for $kv"
done
for kv in "${proven[@]}"; do
	want yes "$kv" "$version" "still installed for $kv"
done

# Upgrade: the same source as a newer version (tests/deb-next.sh: the
# source package make deb made, with dkms.conf's version and a changelog
# entry at the next one), in a directory of this run's own (the other
# lane of tests/run.sh runs this script for another root).
next=$version.1
nextdir=.build/deb-next-$suite
rm -rf "$nextdir"
tests/deb-next.sh ".build/deb/tcpstates_$version.dsc" "$next" "$nextdir" \
	>"$logs/make-deb-next.log" 2>&1 && ok "make deb of $next" ||
	not_ok "make deb of $next (see $logs/make-deb-next.log)"
check "apt upgrades to $next" apt-get install -y -qq \
	"$work/$nextdir/tcpstates-dkms_${next}_all.deb"
for kv in "${proven[@]}"; do
	want yes "$kv" "$next" "$next installed for $kv"
done
[ -z "$(in_root dkms status -m tcpstates -v "$version" 2>/dev/null)" ] &&
	ok "nothing of $version is left" || not_ok "nothing of $version is left"

check "apt purge tcpstates-dkms" apt-get purge -y -qq tcpstates-dkms
left=$(cd "$root" && ls -d var/lib/dkms/tcpstates usr/src/tcpstates-* \
	lib/modules/*/updates/dkms/tcpstates.ko* 2>/dev/null)
[ -z "$left" ] && ok "the purge left nothing behind" ||
	not_ok "the purge left nothing behind: $left"
rm -rf "$nextdir"
finish
