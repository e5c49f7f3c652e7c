#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Debian roots for the kernels this host's Debian cannot build for: a
# Debian 12 root (bookworm and its security updates, gcc-12), a Debian 13
# root (trixie, its security updates and trixie-backports, gcc-14) and a
# sid root (its own gcc), made with debootstrap from Debian's archive and
# cached outside the checkout (under $TCPS_CACHE, keyed by their packages
# and sources), like the debug kernel.  Each root holds the headers of the
# kernels it builds for and, extracted beside them, their images and
# modules to boot in QEMU.  And a root that stands for a freshly installed
# Debian machine, to run this project's own commands on another release.
#
# usage:
#   roots.sh root SUITE          make the root (once); print its path
#   roots.sh kver SUITE SPEC [ARCH]
#                                the kernel release SPEC names (read from
#                                the root's archive indexes, never
#                                hard-coded):
#                                  meta[@DIST]   what linux-headers-amd64
#                                                of DIST (default SUITE)
#                                                pulls in
#                                  X.Y[@DIST]    the newest X.Y release
#                                ARCH: amd64 (default), or arm64 (meta only)
#   roots.sh kernel SUITE KVER   headers installed in the root, image and
#                                modules extracted into it (once); an arm64
#                                KVER's headers unpacked for cross-building
#   roots.sh sysroot SUITE ARCH  ARCH's guest programs (busybox, ss, ip,
#                                netstat, shells, jq) and their libraries
#   roots.sh image SUITE KVER    the path of KVER's kernel image
#   roots.sh run SUITE CMD...    CMD in the root, with /proc mounted and
#                                the checkout at /work ($TCPS_WORK if set)
#   roots.sh guest SUITE KVER    a Debian SUITE machine to boot in QEMU
#                                (tests/apt-guest.sh): minbase, systemd,
#                                dkms and KVER's kernel installed as
#                                packages (image, modules, headers, the
#                                compiler they name), so apt installs
#                                tcpstates's .debs there offline; made
#                                once per package list, sources and KVER,
#                                with an ext4 image of it beside it
#                                (PATH.ext4) that the guest mounts
#                                read-only; prints its PATH
#   roots.sh host SUITE CMD...   CMD, run from a copy of the checkout, on
#                                a Debian SUITE machine as debootstrap
#                                leaves it (minbase: what any Debian has),
#                                with /proc, /sys and /dev, as root; kept
#                                between runs (what CMD installed, caches)
#                                unless TCPS_FRESH=1
# SUITE: bookworm, trixie or sid.  Run as root.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache=${TCPS_CACHE:-/var/cache/tcpstates}
mirror=http://deb.debian.org/debian

die() { echo "roots: $*" >&2; exit 1; }

# What each root needs to build a module, and the compiler its kernels
# were built with (the header packages name it: gcc-N-for-host).
suite_pkgs() {
	local base=make,libc6-dev,libelf-dev,bc,flex,bison,kmod,xz-utils,zstd
	base=$base,ca-certificates,dkms,sparse
	case "$1" in
	bookworm) echo "$base,gcc-12" ;;
	trixie) echo "$base,gcc-14" ;;
	sid) echo "$base,gcc-16" ;;
	*) die "unknown suite $1 (bookworm, trixie or sid)" ;;
	esac
}

# Where a root gets its packages: a stable release with its security and
# point updates (the kernels its users run come from there), trixie with
# backports (7.x), sid alone.
sources() {
	echo "deb $mirror $1 main"
	case "$1" in
	bookworm | trixie)
		echo "deb $mirror $1-updates main"
		echo "deb http://deb.debian.org/debian-security $1-security main"
		;;
	esac
	[ "$1" != trixie ] || echo "deb $mirror trixie-backports main"
}

# Keyed by what goes in: a new package list makes a new root.
# One maker of a root or its kernels at a time (fd 9, held to exit).
lock() {
	mkdir -p "$cache"
	exec 9>"$cache/.roots-$1.lock"
	flock 9
}

root_dir() {
	echo "$cache/root-$1-$({ suite_pkgs "$1"; sources "$1"; } | sha256sum | cut -c1-12)"
}

make_root() {
	local suite=$1 dir
	dir=$(root_dir "$suite")
	[ -f "$dir/.tcps-done" ] || lock "$suite"
	if [ ! -f "$dir/.tcps-done" ]; then
		command -v debootstrap >/dev/null ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
		# debootstrap mounts /proc in the root: a run killed midway
		# leaves it there; never descend into it.
		findmnt -rn -o TARGET | { grep "^$cache/root-$suite-" || true; } |
			sort -r | xargs -r umount -l
		rm -rf --one-file-system "$dir" "$cache/root-$suite"-*
		mkdir -p "$cache"
		echo "roots: debootstrap $suite into $dir" >&2
		debootstrap --variant=minbase --include="$(suite_pkgs "$suite")" \
			"$suite" "$dir" "$mirror" >"$dir.log" 2>&1 ||
			{ tail -n 20 "$dir.log" >&2; die "debootstrap $suite failed"; }
		sources "$suite" >"$dir/etc/apt/sources.list"
		# sid's Release may be past its Valid-Until date.
		echo 'Acquire::Check-Valid-Until "false";' \
			>"$dir/etc/apt/apt.conf.d/99tcps-valid-until"
		# No initramfs or bootloader hooks in here: nothing is booted
		# from this root, its kernels are booted by QEMU.
		printf 'path-exclude=/usr/share/doc/*\npath-exclude=/usr/share/man/*\n' \
			>"$dir/etc/dpkg/dpkg.cfg.d/01tcps-nodoc"
		chroot "$dir" apt-get update -qq
		touch "$dir/.tcps-done"
	fi
	echo "$dir"
}

# apt/dpkg in the root, with /proc (maintainer scripts want it), in a
# private mount namespace: the mount goes away with the command.
in_root() {
	local dir=$1
	shift
	unshare --mount --fork /bin/sh -c '
		dir=$1
		shift
		mount -t proc proc "$dir/proc" &&
		exec chroot "$dir" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"' \
		sh "$dir" "$@"
}

# unpack DIR DEB...: extract packages into DIR without installing them.
# A root is merged-/usr (/lib a symlink to usr/lib): Debian 12's kernel
# packages ship /lib/modules, and plain dpkg-deb -x would replace that
# symlink by a directory, cutting the root off its dynamic loader.
unpack() {
	local dir=$1 deb
	shift
	for deb in "$@"; do
		dpkg-deb --fsys-tarfile "$deb" |
			tar -x --keep-directory-symlink -C "$dir"
	done
}

# Releases move (point releases, new backports): refresh the indexes once
# a day, so a cached root resolves today's kernels.
fresh() {
	local dir=$1
	if [ -z "$(find "$dir/var/lib/apt/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null | head -n 1)" ]; then
		in_root "$dir" apt-get update -qq
	fi
}

kver() {
	local suite=$1 spec=$2 arch=${3:-amd64} dir dist series sel
	dir=$(make_root "$suite")
	fresh "$dir"
	[ "$arch" = amd64 ] || cross_tools "$dir" "$arch"
	dist=$suite
	case "$spec" in *@*) dist=${spec#*@} spec=${spec%@*} ;; esac
	if [ "$spec" = meta ]; then
		# The suite's own: the version apt would install (with its
		# security updates); another's (backports): that suite's.
		sel=/$dist
		[ "$dist" != "$suite" ] ||
			sel="=$(in_root "$dir" apt-cache policy "linux-headers-$arch:$arch" |
				sed -n 's/^ *Candidate: //p')"
		in_root "$dir" apt-cache show "linux-headers-$arch:$arch$sel" 2>/dev/null |
			sed -n 's/^Depends: //p' | grep -o 'linux-headers-[^ ,]*' |
			sed 's/^linux-headers-//' | sort -V | tail -n 1
	else
		series=${spec//./\\.}
		in_root "$dir" apt-cache pkgnames "linux-headers-$spec." |
			grep -E "^linux-headers-$series\.[0-9]+\+[a-z0-9]+-amd64$" |
			sed 's/^linux-headers-//' | sort -V | tail -n 1
	fi
}

kernel() {
	local suite=$1 kv=$2 dir pkgs
	dir=$(make_root "$suite")
	[ -n "$kv" ] || die "no kernel release given"
	[ -f "$dir/.tcps-kernel-$kv" ] || lock "$suite"
	case "$kv" in *-arm64)
		[ -f "$dir/.tcps-kernel-$kv" ] || foreign_kernel "$suite" "$kv" arm64
		return
	esac
	if [ ! -f "$dir/.tcps-kernel-$kv" ]; then
		fresh "$dir"
		echo "roots: linux $kv in the $suite root" >&2
		in_root "$dir" apt-get install -y -qq --no-install-recommends \
			-o Dpkg::Use-Pty=0 "linux-headers-$kv" >/dev/null
		# The image unpacked, not installed: its maintainer scripts
		# would build an initramfs nobody boots.
		rm -rf "$dir/tmp/tcps-image"
		mkdir -p "$dir/tmp/tcps-image"
		# From 7.x the image package only depends on the packages
		# holding the kernel and its modules: take those it names too.
		pkgs=$(in_root "$dir" apt-cache show "linux-image-$kv" |
			sed -n 's/^Depends: //p' | grep -o "linux-[a-z]*-${kv}[^ ,]*" |
			grep -E "^linux-(binary|modules|image)-" | sort -u || true)
		in_root "$dir" sh -c "cd /tmp/tcps-image &&
			apt-get download -qq -o APT::Sandbox::User=root linux-image-$kv $(echo $pkgs)"
		unpack "$dir" "$dir"/tmp/tcps-image/*.deb
		rm -rf "$dir/tmp/tcps-image"
		image "$suite" "$kv" >/dev/null
		depmod -b "$dir" "$kv"
		touch "$dir/.tcps-kernel-$kv"
	fi
}

# What cross-building for ARCH takes in a root: the architecture known to
# apt (its packages are fetched and unpacked, never installed), its cross
# compiler and libc, and what Kbuild runs that no amd64 header package
# pulled in when only ARCH's headers are unpacked (W=1's kernel-doc is
# perl, BTF needs pahole).  Added on first use, so the root's key (and
# what is cached in it) stays.
cross_tools() {
	local dir=$1 arch=$2
	[ -f "$dir/.tcps-cross-$arch" ] && return
	case "$arch" in
	arm64) ;;
	*) die "no cross compiler known for $arch" ;;
	esac
	chroot "$dir" dpkg --add-architecture "$arch"
	in_root "$dir" apt-get update -qq
	in_root "$dir" apt-get install -y -qq --no-install-recommends \
		-o Dpkg::Use-Pty=0 gcc-14-aarch64-linux-gnu \
		libc6-dev-arm64-cross perl dwarves >/dev/null
	touch "$dir/.tcps-cross-$arch"
}

# A kernel of another architecture, to cross-build for: its headers, the
# common headers, this host's kbuild tools of the same version, and its
# image and modules, all unpacked into the root (apt cannot install
# another architecture's header package beside our compiler).
foreign_kernel() {
	local suite=$1 kv=$2 arch=$3 dir ver
	dir=$(make_root "$suite")
	cross_tools "$dir" "$arch"
	echo "roots: linux $kv ($arch) in $dir" >&2
	ver=${kv%-"$arch"}
	rm -rf "$dir/tmp/tcps-image"
	mkdir -p "$dir/tmp/tcps-image"
	in_root "$dir" sh -c "cd /tmp/tcps-image &&
		apt-get download -qq -o APT::Sandbox::User=root \
		linux-headers-$kv:$arch linux-headers-$ver-common \
		linux-kbuild-$ver linux-image-$kv:$arch"
	unpack "$dir" "$dir"/tmp/tcps-image/*.deb
	rm -rf "$dir/tmp/tcps-image"
	image "$suite" "$kv" >/dev/null
	touch "$dir/.tcps-kernel-$kv"
}

# A tree of another architecture's programs for its guests: what
# mkinitramfs.sh copies (busybox, the real ss/ip/netstat, the shells and
# command runners, jq) and every library they need, unpacked from the
# suite's packages.  Cached beside the root, keyed by the list.
sysroot() {
	local suite=$1 arch=$2 dir sys pkgs list
	dir=$(make_root "$suite")
	pkgs="busybox-static iproute2 net-tools bash dash coreutils findutils util-linux jq"
	sys=$cache/sysroot-$suite-$arch-$(echo "$pkgs" | sha256sum | cut -c1-12)
	if [ ! -f "$sys/.tcps-done" ]; then
		lock "$suite"
		cross_tools "$dir" "$arch"
		rm -rf --one-file-system "$cache/sysroot-$suite-$arch"-*
		echo "roots: $arch programs for the guests in $sys" >&2
		# The packages and, recursively, what they depend on.
		# shellcheck disable=SC2046,SC2086 # lists of packages
		list=$(in_root "$dir" apt-cache depends --recurse --no-recommends \
			--no-suggests --no-conflicts --no-breaks --no-replaces \
			--no-enhances $(printf "%s:$arch " $pkgs) |
			grep "^[a-z].*:$arch\$" | sort -u)
		rm -rf "$dir/tmp/tcps-sysroot"
		mkdir -p "$dir/tmp/tcps-sysroot" "$sys"
		# shellcheck disable=SC2086 # a list of packages
		in_root "$dir" sh -c "cd /tmp/tcps-sysroot &&
			apt-get download -qq -o APT::Sandbox::User=root $(echo $list)"
		unpack "$sys" "$dir"/tmp/tcps-sysroot/*.deb
		rm -rf "$dir/tmp/tcps-sysroot"
		touch "$sys/.tcps-done"
	fi
	echo "$sys"
}

# The kernel to boot: in /boot up to 6.x, beside its modules from 7.x.
image() {
	local dir f
	dir=$(make_root "$1")
	for f in "$dir/boot/vmlinuz-$2" "$dir/usr/lib/modules/$2/vmlinuz"; do
		[ -r "$f" ] && { echo "$f"; return; }
	done
	die "no kernel image for $2 in $dir"
}

run() {
	local suite=$1 dir
	shift
	dir=$(make_root "$suite")
	here=${TCPS_WORK:-$here}
	mkdir -p "$dir/work"
	# A private mount namespace: the mounts go away with the command.
	unshare --mount --fork /bin/sh -c '
		dir=$1 work=$2
		shift 2
		mount -t proc proc "$dir/proc" &&
		mount --bind "$work" "$dir/work" &&
		exec chroot "$dir" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"' \
		sh "$dir" "$here" "$@"
}

# What a guest machine holds besides minbase and its kernel: what
# tcpstates-dkms and tcpstates depend on (dkms, and through it the build
# tools; libc), systemd for the units, what a standard install has that
# DKMS uses (xz-utils compresses modules where the kernel's are .ko.xz),
# and the guest test's oracles (iproute2, procps, netcat for a listener).
guest_pkgs() {
	echo dkms,systemd,kmod,xz-utils,zstd,iproute2,procps,netcat-openbsd
}

# A Debian SUITE machine with kernel KVER installed the way a user has it
# (linux-image and linux-headers as packages, through apt, with their
# hooks), to boot under QEMU with its root a read-only disk.  Keyed by
# the package list, the sources and KVER: a new point release's kernel
# makes a new root, and the older one of the suite is removed.
guest() {
	local suite=$1 kv=$2 dir
	[ -n "$kv" ] || die "no kernel release given"
	dir=$cache/guest-$suite-$({ guest_pkgs; sources "$suite"; echo "$kv"; } |
		sha256sum | cut -c1-12)
	[ -f "$dir/.tcps-done" ] && [ -f "$dir.ext4" ] || lock "guest-$suite"
	if [ ! -f "$dir/.tcps-done" ]; then
		command -v debootstrap >/dev/null ||
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null
		findmnt -rn -o TARGET | { grep "^$cache/guest-$suite-" || true; } |
			sort -r | xargs -r umount -l
		rm -rf --one-file-system "$cache/guest-$suite"-*
		mkdir -p "$cache"
		echo "roots: debootstrap $suite (a machine to boot $kv) into $dir" >&2
		debootstrap --variant=minbase --include="$(guest_pkgs)" \
			"$suite" "$dir" "$mirror" >"$dir.log" 2>&1 ||
			{ tail -n 20 "$dir.log" >&2; die "debootstrap $suite failed"; }
		sources "$suite" >"$dir/etc/apt/sources.list"
		echo 'Acquire::Check-Valid-Until "false";' \
			>"$dir/etc/apt/apt.conf.d/99tcps-valid-until"
		in_root "$dir" apt-get update -qq
		# Without recommends: the guest's own apt run pulls in a new
		# package's recommends, not these.
		in_root "$dir" apt-get install -y -qq --no-install-recommends \
			-o Dpkg::Use-Pty=0 "linux-image-$kv" "linux-headers-$kv" \
			>>"$dir.log" 2>&1 ||
			{ tail -n 20 "$dir.log" >&2; die "linux $kv in the $suite guest root"; }
		[ -r "$dir/boot/vmlinuz-$kv" ] || [ -r "$dir/usr/lib/modules/$kv/vmlinuz" ] ||
			die "no kernel image for $kv in $dir"
		in_root "$dir" apt-get clean
		touch "$dir/.tcps-done"
	fi
	# The same tree as an ext4 image ($dir.ext4) that the guest mounts
	# read-only from a virtio disk.  Over 9p, every lookup gcc makes in
	# the headers' include paths (most of them misses, which 9p does not
	# cache) crossed to QEMU: one DKMS build took 20 minutes.  No
	# journal: nothing writes it.
	if [ ! -f "$dir.ext4" ]; then
		rm -f "$dir.ext4.tmp"
		mkfs.ext4 -q -F -L tcpsroot -O ^has_journal -d "$dir" \
			"$dir.ext4.tmp" "$(($(du -sm "$dir" | cut -f1) * 3 / 2 + 512))M" >&2 ||
			die "no ext4 image of $dir"
		mv "$dir.ext4.tmp" "$dir.ext4"
	fi
	echo "$dir"
}

# A Debian SUITE machine as debootstrap leaves it, no build packages: the
# project's commands must install what they need themselves.  The copy
# of the checkout at /root/tcpstates is made afresh for every command
# (what git tracks or would track; no build results), the rest is kept.
host() {
	local suite=$1 dir
	shift
	sources "$suite" >/dev/null
	dir=$cache/host-$suite-$(sources "$suite" | sha256sum | cut -c1-12)
	lock "host-$suite"
	if [ "${TCPS_FRESH:-0}" = 1 ] || [ ! -f "$dir/.tcps-done" ]; then
		findmnt -rn -o TARGET | { grep "^$cache/host-$suite-" || true; } |
			sort -r | xargs -r umount -l
		rm -rf --one-file-system "$cache/host-$suite"-*
		mkdir -p "$cache"
		echo "roots: debootstrap $suite (a fresh machine) into $dir" >&2
		debootstrap --variant=minbase "$suite" "$dir" "$mirror" \
			>"$dir.log" 2>&1 ||
			{ tail -n 20 "$dir.log" >&2; die "debootstrap $suite failed"; }
		sources "$suite" >"$dir/etc/apt/sources.list"
		echo 'Acquire::Check-Valid-Until "false";' \
			>"$dir/etc/apt/apt.conf.d/99tcps-valid-until"
		touch "$dir/.tcps-done"
	fi
	rm -rf --one-file-system "$dir/root/tcpstates"
	mkdir -p "$dir/root/tcpstates"
	if git -C "$here" rev-parse --git-dir >/dev/null 2>&1; then
		git -C "$here" ls-files -z --cached --others --exclude-standard |
			tar -C "$here" --null --ignore-failed-read -T - -cf - |
			tar -C "$dir/root/tcpstates" -xf -
	else
		tar -C "$here" --exclude=./.build -cf - . |
			tar -C "$dir/root/tcpstates" -xf -
	fi
	# Its own mount namespace: /proc, /sys and /dev go with the command.
	# The root bound onto itself is a mount point, as / is on a real
	# machine: unshare(1) in there (roots.sh run) makes / private.
	unshare --mount --fork /bin/sh -c '
		dir=$1
		shift
		mount --bind "$dir" "$dir" &&
		mount -t proc proc "$dir/proc" &&
		mount -t sysfs sysfs "$dir/sys" &&
		mount --rbind /dev "$dir/dev" || exit
		# A run killed in the middle of an apt-get leaves dpkg
		# interrupted: finish its work first, as apt would tell us to.
		chroot "$dir" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			DEBIAN_FRONTEND=noninteractive dpkg --configure -a >/dev/null
		exec chroot "$dir" /usr/bin/env -i HOME=/root TERM=dumb \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			CI="${CI:-}" LC_ALL=C.UTF-8 \
			sh -c "cd /root/tcpstates && exec \"\$@\"" sh "$@"' \
		sh "$dir" "$@"
}

[ "$(id -u)" -eq 0 ] || die "run as root"
cmd=${1:-}
[ $# -ge 2 ] || die "usage: $0 root|kver|kernel|sysroot|image|run|guest|host SUITE ..."
shift
case "$cmd" in
root) make_root "$1" ;;
kver) [ $# -ge 2 ] || die "usage: $0 kver SUITE SPEC [ARCH]"; kver "$@" ;;
sysroot) [ $# -eq 2 ] || die "usage: $0 sysroot SUITE ARCH"; sysroot "$@" ;;
kernel) [ $# -eq 2 ] || die "usage: $0 kernel SUITE KVER"; kernel "$@" ;;
image) [ $# -eq 2 ] || die "usage: $0 image SUITE KVER"; image "$@" ;;
run) run "$@" ;;
guest) [ $# -eq 2 ] || die "usage: $0 guest SUITE KVER"; guest "$@" ;;
host) host "$@" ;;
*) die "unknown command $cmd" ;;
esac
