#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages on a booted Debian machine, as a user installs them:
# for each SUITE (bookworm: Debian 12, trixie: Debian 13), a machine of
# that release (tests/roots.sh guest: minbase, systemd, dkms, the kernel
# and its headers installed as packages; made once, cached in
# $TCPS_CACHE with an ext4 image of it) is booted under QEMU TCG on its
# own kernel, the image a read-only disk under a tmpfs overlay (tests/
# guest/apt-boot.sh), so the cache is never written.  There, with no network,
# tests/guest/apt-guest.sh installs this checkout's tcpstates-dkms and
# tcpstates with apt-get (DKMS builds for the running kernel and skips an
# unsupported one), loads the module with modprobe, checks tcpstates -s,
# upgrades both packages to a newer version (this source, rebuilt with a
# raised version: tests/deb-next.sh) with readers holding /proc/tcpstates
# open, reloads the module, and purges, checking that nothing is left.
# The kernels: Debian 12's 6.12 (this host's own, on Debian 12) and
# Debian 13's default one (the one tests/roots.sh gives its roots).
#
# usage: tests/apt-guest.sh SUITE...
# Prints ok/not ok lines (the guest's prefixed with [apt-SUITE]) and
# "passed=N failed=M"; exits 1 if anything failed.  Most of the time is
# two DKMS builds under TCG (install, upgrade): measured, 14 and 11
# minutes on bookworm with the cores shared with a CI run (28 min for the
# guest), 7 minutes for trixie's first with less load.  A suite's first run
# adds its root and image (debootstrap, the kernel packages: 3-5 minutes).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 2

[ $# -ge 1 ] || { echo "usage: $0 SUITE..." >&2; exit 2; }
out=.build/apt-guest
mkdir -p "$out"
passed=0 failed=0
ok() { echo "ok $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok $*"; failed=$((failed + 1)); }
# must NAME CMD...: a prerequisite, its output in $out/NAME.log.
must() {
	local name=$1 log
	shift
	log=$out/$(echo "$name" | tr -c 'a-zA-Z0-9.\n-' _).log
	if "$@" >"$log" 2>&1; then ok "$name"; return 0; fi
	not_ok "$name (see $log)"
	tail -n 20 "$log" | sed 's/^/#   /'
	return 1
}
finish() {
	echo "passed=$passed failed=$failed"
	[ "$failed" -eq 0 ]
	exit
}

must "the tools (tests/deps.sh quick and deb)" \
	sh -c 'tests/deps.sh quick && tests/deps.sh deb' || finish
# shellcheck source=tests/kernels.sh
source tests/kernels.sh
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
next=$version.1
arch=$(dpkg --print-architecture)

# Both versions' .debs, built from a copy of the checkout outside it: make
# deb in the checkout itself would race with the other tests that run it
# (tests/dkms-root.sh, in either lane of tests/run.sh).
debs=$out/debs
rm -rf "$debs"
mkdir -p "$debs"
src=$(mktemp -d) || exit 1
trap 'rm -rf "$src"' EXIT
# shellcheck disable=SC2317 # called through must
build_debs() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -z -co --exclude-standard |
			tar --null -T - --ignore-failed-read -cf -
	else
		tar --exclude=./.build -cf - .
	fi | tar -xf - -C "$src" &&
		make --no-print-directory -C "$src" deb &&
		cp "$src/.build/tcpstates-dkms_${version}_all.deb" \
			"$src/.build/tcpstates_${version}_$arch.deb" "$debs/"
}
t0=$SECONDS
must "make deb ($version)" build_debs || finish
must "make deb of $next (tests/deb-next.sh)" tests/deb-next.sh \
	"$src/.build/deb/tcpstates_$version.dsc" "$next" "$debs" || finish
echo "# the .debs took $((SECONDS - t0)) s"

for suite in "$@"; do
	# The kernel the guest boots: this host's own 6.12 on its release,
	# else what the suite's metapackage gives (roots.sh, as for roots).
	case "$suite" in
	bookworm) spec=6.12 ;;
	trixie) spec=meta ;;
	*) not_ok "$suite: no such suite (bookworm or trixie)"; continue ;;
	esac
	if [ "$suite" = "$TCPS_HOST" ]; then
		kv=${TCPS_KERNELS[6.12]}
	else
		kv=$(tests/roots.sh kver "$suite" "$spec" 2>"$out/$suite-kver.log")
	fi
	t0=$SECONDS
	must "$suite: a Debian $suite machine with linux $kv (roots.sh guest)" \
		tests/roots.sh guest "$suite" "$kv" || continue
	root=$(tests/roots.sh guest "$suite" "$kv")
	echo "# $suite: its root took $((SECONDS - t0)) s"
	# The disk, ext4 and the overlay, loaded by the harness's /init
	# before the first stage, from the kernel's own modules.
	must "$suite: the initramfs" env KMODS="virtio_blk ext4 overlay" \
		KMODS_ROOT="$root" tests/vm/mkinitramfs.sh \
		"$out/initramfs-$suite.cpio.gz" "$kv" none tests/guest/apt-boot.sh \
		tests/guest/apt-guest.sh "$debs"/*.deb || continue
	echo "# $suite: booting linux $kv under QEMU TCG with the $suite tree as root"
	t0=$SECONDS
	# Its own kernel image: in /boot up to 6.x, beside its modules from 7.x.
	image=$root/boot/vmlinuz-$kv
	[ -r "$image" ] || image=$root/usr/lib/modules/$kv/vmlinuz
	VM_KERNEL=$image VM_DISK=$root.ext4 \
		VM_MEM=2048 tests/vm/run-vm.sh "$kv" "$out/initramfs-$suite.cpio.gz" \
		"$out/result-$suite.txt" "$out/console-$suite.log" "${VM_TIMEOUT:-1800}"
	echo "# $suite: the guest ran $((SECONDS - t0)) s"
	VM_TAG=apt-$suite tests/vm/verdict.sh "$out/result-$suite.txt" \
		"$out/console-$suite.log" >"$out/verdict-$suite.log" 2>&1
	grep -v -E '^passed=[0-9]+ failed=[0-9]+$' "$out/verdict-$suite.log"
	line=$(grep -E '^passed=[0-9]+ failed=[0-9]+$' "$out/verdict-$suite.log" | tail -n 1)
	if [ -n "$line" ]; then
		line=${line#passed=}
		passed=$((passed + ${line%% *}))
		failed=$((failed + ${line##*failed=}))
	else
		not_ok "$suite: the verdict (see $out/verdict-$suite.log)"
	fi
	# A guest that stopped early with status 0 would pass the harness.
	if grep -q '^ok [0-9]* - every step ran' "$out/result-$suite.txt" 2>/dev/null; then
		ok "$suite: the guest ran every step"
	else
		not_ok "$suite: the guest ran every step (see $out/console-$suite.log)"
	fi
done
finish
