#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest's initramfs (gzip'd newc cpio).
#
# usage: mkinitramfs.sh OUT.cpio.gz KVER MODULE_KO|none GUEST_SCRIPT [EXTRA_FILE...]
#
#   KVER          kernel the image is for; used to check the module's
#                 vermagic and to pick modules named in $KMODS
#   MODULE_KO     our module, installed as /lib/modules/tcpstates.ko, or
#                 "none" to boot without it (harness smoke testing)
#   GUEST_SCRIPT  installed as /test.sh and run by /init
#   EXTRA_FILE    copied to /bin/<basename>; dynamic ELF files get their
#                 shared libraries copied too
#
# environment:
#   KMODS              space separated in-tree modules of KVER (e.g. "veth")
#                      that /init loads, with their dependencies, before
#                      ours; inet_diag and tcp_diag always, so that ss in
#                      the guest reads sockets over netlink (without them
#                      it silently parses /proc/net/tcp); a module KVER has
#                      built in (the debug kernels) is left out
#   KMODS_ROOT         where KVER's /lib/modules is, if not on this host
#                      (a kernel of a tests/roots.sh root)
#   DKMS_MODULE        our module as DKMS installed it on the host (a path
#                      under /lib/modules/KVER/); put at the same path with a
#                      modules.dep, so the guest loads it with modprobe
#   SOURCE_DATE_EPOCH  timestamp for every archive member (default 0), so
#                      identical inputs give a byte-identical image
#
# Layout is "merged /usr": everything executable lives in /bin, and /sbin,
# /usr/bin and /usr/sbin point there, so a script calling /sbin/ip or
# /usr/bin/ss finds the same binary that $PATH does.
set -euo pipefail

die() { echo "mkinitramfs: $*" >&2; exit 1; }

[ $# -ge 4 ] || die "usage: $0 OUT.cpio.gz KVER MODULE_KO|none GUEST_SCRIPT [EXTRA_FILE...]"
out=$1 kver=$2 module=$3 guest_script=$4
shift 4

here=$(cd "$(dirname "$0")" && pwd)
# VM_SYSROOT: the guest's programs come from this tree of another
# architecture's Debian packages (tests/roots.sh sysroot), not from this
# host; libraries are then found by their ELF NEEDED entries in it.
sysroot=${VM_SYSROOT:-}
if [ -n "$sysroot" ]; then
	busybox=$sysroot/bin/busybox
	[ -x "$busybox" ] || die "no busybox in $sysroot"
else
	busybox=$(command -v busybox) || die "busybox not found (apt install busybox-static)"
	# A dynamically linked busybox would need its libraries too;
	# insist on the static one (ldd fails on static binaries).
	! ldd "$busybox" >/dev/null 2>&1 || die "$busybox is not static (apt install busybox-static)"
fi

# Real tools the tests parse the output of; busybox's versions differ.
real_tools="/usr/bin/ss /usr/sbin/ip /usr/bin/netstat"
# Debian's busybox prefers its own applets: its ash, and its applets that
# run a command (env, nsenter, timeout, ...), run the busybox "ip" or
# "netstat" for those names without looking at $PATH. So the shells and
# command runners are the host's real ones; busybox provides the rest.
real_tools="$real_tools /bin/dash /bin/bash /usr/bin/env /usr/bin/timeout
	/usr/bin/xargs /usr/bin/nsenter /usr/bin/unshare /usr/bin/setsid"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

mkdir -p "$root"/{bin,dev,proc,sys,tmp,run,root,etc,lib/modules,lib64,usr,var}
ln -s bin "$root/sbin"
ln -s ../bin "$root/usr/bin"
ln -s ../bin "$root/usr/sbin"
ln -s ../lib "$root/usr/lib"
ln -s ../lib64 "$root/usr/lib64"
ln -s ../run "$root/var/run"

# Copy a file to the same path inside the image, dereferencing symlinks
# so the path ldd printed is a real file in the guest.
copy_same_path() {
	mkdir -p "$root$(dirname "$1")"
	cp -L "$1" "$root$1"
}

# Copy every shared library (and the dynamic loader) a binary needs.
# ldd output lines look like "libc.so.6 => /lib/.../libc.so.6 (0x...)" or
# "/lib64/ld-linux-x86-64.so.2 (0x...)"; the vdso has no path.
copy_libs() {
	local lib
	if [ -n "$sysroot" ]; then
		copy_libs_sysroot "$1"
		return
	fi
	# A static binary or a script makes ldd fail: nothing to copy then.
	ldd "$1" >/dev/null 2>&1 || return 0
	for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || copy_same_path "$lib"
	done
}

# The same for a binary of the sysroot's architecture, which cannot run
# here: its interpreter and NEEDED libraries, found in the sysroot's
# library directories, recursively.
copy_libs_sysroot() {
	local f=$1 interp lib pat dir found
	readelf -h "$f" >/dev/null 2>&1 || return 0
	interp=$(readelf -lW "$f" | sed -n 's/.*Requesting program interpreter: \(.*\)]/\1/p')
	if [ -n "$interp" ] && [ ! -e "$root$interp" ]; then
		mkdir -p "$root$(dirname "$interp")"
		cp -L "$sysroot$interp" "$root$interp"
	fi
	for lib in $(readelf -dW "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
		found=
		for pat in '/lib/*-linux-gnu' '/usr/lib/*-linux-gnu' /lib /usr/lib; do
			for dir in "$sysroot"$pat; do
				[ -e "$dir/$lib" ] && { found=$dir/$lib; break 2; }
			done
		done
		[ -n "$found" ] || die "$lib (needed by $f) not in $sysroot"
		dir=/lib/$(basename "$(dirname "$found")")
		[ "$(basename "$dir")" != lib ] || dir=/lib
		[ -e "$root$dir/$lib" ] && continue
		mkdir -p "$root$dir"
		cp -L "$found" "$root$dir/$lib"
		copy_libs_sysroot "$found"
	done
}

for tool in $real_tools; do
	[ -x "$sysroot$tool" ] || die "$sysroot$tool missing"
	cp -L "$sysroot$tool" "$root/bin/"
	copy_libs "$sysroot$tool"
done

ln -s dash "$root/bin/sh"

# Every applet gets a link, except names already taken by a real tool:
# the busybox versions must not shadow them.
cp "$busybox" "$root/bin/busybox"
# A foreign busybox cannot list its applets here: this host's names do
# (a name it lacks would only fail when called).
for applet in $(if [ -n "$sysroot" ]; then busybox --list; else "$busybox" --list; fi); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done

# Just enough of /etc for glibc tools: names for uid 0 and localhost.
echo 'root:x:0:0:root:/root:/bin/sh' >"$root/etc/passwd"
echo 'root:x:0:' >"$root/etc/group"
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost\n' >"$root/etc/hosts"
printf 'passwd: files\ngroup: files\nhosts: files\n' >"$root/etc/nsswitch.conf"

install -m 0755 "$here/init.sh" "$root/init"
install -m 0755 "$guest_script" "$root/test.sh"

if [ "$module" != none ]; then
	[ -f "$module" ] || die "module $module not found"
	# Catch a module built for another kernel here, not as an insmod error
	# minutes later in the guest.
	vermagic=$(modinfo -F vermagic "$module")
	case "$vermagic" in
	"$kver "*) ;;
	*) die "$module has vermagic '$vermagic', not for $kver" ;;
	esac
	install -m 0644 "$module" "$root/lib/modules/tcpstates.ko"
fi

# The DKMS-installed module at its installed path, with depmod's index, so
# the guest runs "modprobe tcpstates" as a real machine would.  Stored
# uncompressed: busybox modprobe cannot read .ko.xz.
if [ -n "${DKMS_MODULE:-}" ]; then
	rel=${DKMS_MODULE#/lib/modules/"$kver"/}
	[ "$rel" != "$DKMS_MODULE" ] && [ -f "$DKMS_MODULE" ] ||
		die "DKMS_MODULE $DKMS_MODULE is not a file under /lib/modules/$kver"
	rel=${rel%.xz}
	rel=${rel%.zst}
	mkdir -p "$root/lib/modules/$kver/$(dirname "$rel")"
	case "$DKMS_MODULE" in
	*.xz) xz -dc "$DKMS_MODULE" >"$root/lib/modules/$kver/$rel" ;;
	*.zst) zstd -qdc "$DKMS_MODULE" >"$root/lib/modules/$kver/$rel" ;;
	*) cp "$DKMS_MODULE" "$root/lib/modules/$kver/$rel" ;;
	esac
	case "$(modinfo -F vermagic "$root/lib/modules/$kver/$rel")" in
	"$kver "*) ;;
	*) die "$DKMS_MODULE is not built for $kver" ;;
	esac
	cp /lib/modules/"$kver"/modules.builtin* /lib/modules/"$kver"/modules.order \
		"$root/lib/modules/$kver/" 2>/dev/null || true
	depmod -b "$root" "$kver"
fi

# In-tree helper modules, dependencies first, in the order modprobe would
# load them. They are stored uncompressed because busybox insmod cannot
# read the .ko.xz files newer Debian kernels ship.
: >"$root/lib/modules/kmods.list"
n=0
# A root's foreign-architecture kernel (arm64) comes without modules.dep.
if [ -n "${KMODS_ROOT:-}" ] && [ -d "$KMODS_ROOT/lib/modules/$kver" ] &&
	[ ! -e "$KMODS_ROOT/lib/modules/$kver/modules.dep" ]; then
	depmod -b "$KMODS_ROOT" "$kver"
fi
for kmod in inet_diag tcp_diag ${KMODS:-}; do
	[ -d "${KMODS_ROOT:-}/lib/modules/$kver" ] || continue
	for path in $(modprobe ${KMODS_ROOT:+-d "$KMODS_ROOT"} -S "$kver" --show-depends "$kmod" |
		awk '$1 == "insmod" { print $2 }'); do
		name=$(basename "$path" | sed 's/\.ko.*$//')
		grep -qx "/lib/modules/kmods/[0-9]*-$name.ko" "$root/lib/modules/kmods.list" && continue
		n=$((n + 1))
		dest=/lib/modules/kmods/$(printf %02d "$n")-$name.ko
		mkdir -p "$root/lib/modules/kmods"
		case "$path" in
		*.xz) xz -dc "$path" >"$root$dest" ;;
		*.zst) zstd -qdc "$path" >"$root$dest" ;;
		*.gz) gzip -dc "$path" >"$root$dest" ;;
		*) cp "$path" "$root$dest" ;;
		esac
		echo "$dest" >>"$root/lib/modules/kmods.list"
	done
done

for extra in "$@"; do
	[ -f "$extra" ] || die "extra file $extra not found"
	# Remove first: copying onto an applet symlink would overwrite busybox.
	rm -f "$root/bin/$(basename "$extra")"
	cp -L "$extra" "$root/bin/"
	copy_libs "$extra"
done

# Deterministic archive: fixed timestamps, sorted names, owner root, no
# inode/device numbers from the build host, no name/time in the gzip header.
find "$root" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
mkdir -p "$(dirname "$out")"
out_abs="$(cd "$(dirname "$out")" && pwd)/$(basename "$out")"
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 --reproducible | gzip -n -9 >"$out_abs.tmp")
mv "$out_abs.tmp" "$out_abs"
