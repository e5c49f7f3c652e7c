#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The way appliances get the module, on this machine for real:
#   tests/dkms.sh matrix  dkms add/build/install against every Debian kernel
#                         ABI installed (6.1 and 6.12; amd64, cloud, rt), each
#                         warning-free, and modinfo of what was installed
#   (the .deb, its upgrade, purge and skipped kernels: tests/dkms-root.sh)
#   tests/dkms.sh clean   remove what matrix installed
# Prints ok/not ok lines and "passed=N failed=M".
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/kernels.sh

version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
logs=.build/dkms
mkdir -p "$logs"
passed=0 failed=0
ok() { echo "ok $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok $*"; failed=$((failed + 1)); }
check() { # NAME CMD...
	local name=$1
	shift
	if "$@" >>"$logs/last.log" 2>&1; then ok "$name"; else
		not_ok "$name (see $logs/last.log)"
		tail -n 15 "$logs/last.log" | sed 's/^/#   /'
	fi
}
finish() {
	echo "passed=$passed failed=$failed"
	[ "$failed" -eq 0 ]
	exit
}

# installed_ko KVER: the module DKMS installed for KVER, if any.
installed_ko() {
	ls /lib/modules/"$1"/updates/dkms/tcpstates.ko* 2>/dev/null | head -n 1
}

# Leaves no trace: no DKMS record, no source tree, no module file.
nothing_left() {
	! dkms status -m tcpstates 2>/dev/null | grep -q . &&
		[ ! -e /usr/src/tcpstates-"$version" ] &&
		[ ! -e /var/lib/dkms/tcpstates ] &&
		! ls /lib/modules/*/updates/dkms/tcpstates.ko* >/dev/null 2>&1
}

clean() {
	dkms remove -m tcpstates -v "$version" --all >/dev/null 2>&1
	rm -rf /usr/src/tcpstates-"$version"
}

matrix() {
	clean
	: >"$logs/last.log"
	check "dkms add ($version)" make --no-print-directory dkms-install \
		KVER="${TCPS_KERNELS[6.12]}"
	for pkg in "${TCPS_DKMS_HEADERS[@]}"; do
		kver=$(kver_of "$pkg")
		[ -n "$kver" ] || { not_ok "$pkg is installed"; continue; }
		: >"$logs/last.log"
		check "dkms build $kver" \
			dkms build -m tcpstates -v "$version" -k "$kver" --force
		log=/var/lib/dkms/tcpstates/$version/$kver/x86_64/log/make.log
		cp "$log" "$logs/make-$kver.log" 2>/dev/null
		if [ -s "$logs/make-$kver.log" ] &&
			! grep -E 'warning:|error:' "$logs/make-$kver.log"; then
			ok "dkms build $kver is warning-free"
		else
			not_ok "dkms build $kver is warning-free (see $logs/make-$kver.log)"
		fi
		: >"$logs/last.log"
		check "dkms install $kver" \
			dkms install -m tcpstates -v "$version" -k "$kver" --force
		ko=$(installed_ko "$kver")
		[ -n "$ko" ] && ok "module installed in /lib/modules/$kver/updates/dkms" ||
			not_ok "module installed in /lib/modules/$kver/updates/dkms"
		dkms status -m tcpstates -v "$version" -k "$kver" | grep -q ': installed' &&
			ok "dkms status: installed for $kver" ||
			not_ok "dkms status: installed for $kver"
		[ -n "$ko" ] && modinfo_fields "$kver" "$ko"
	done
}

# modinfo shows what an operator looks for, and every parameter is documented.
modinfo_fields() {
	local kver=$1 ko=$2 f missing=""
	for f in description author license srcversion vermagic; do
		[ -n "$(modinfo -F "$f" "$ko")" ] || missing="$missing $f"
	done
	[ -z "$missing" ] && ok "modinfo $kver: description author license srcversion" ||
		not_ok "modinfo $kver: missing$missing"
	[ "$(modinfo -F version "$ko")" = "$version" ] &&
		ok "modinfo $kver: version is dkms.conf's $version" ||
		not_ok "modinfo $kver: version '$(modinfo -F version "$ko")' is not $version"
	[ "$(modinfo -F license "$ko")" = GPL ] && ok "modinfo $kver: license GPL" ||
		not_ok "modinfo $kver: license GPL"
	# "name:description (type)": a parameter without a description shows
	# as "name:" alone.
	if modinfo -F parm "$ko" | grep -qv ':.'; then
		not_ok "modinfo $kver: every parameter is documented"
	else
		ok "modinfo $kver: every parameter is documented"
	fi
}

case "${1:-}" in
matrix) matrix ;;
clean)
	clean
	nothing_left && ok "dkms clean left nothing behind" ||
		not_ok "dkms clean left nothing behind"
	;;
*)
	echo "usage: $0 matrix|clean" >&2
	exit 2
	;;
esac
finish
