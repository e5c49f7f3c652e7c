#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) a debug kernel: tinyconfig plus tests/debug.config, from
# Debian's linux-source of a series:
#   6.12  this host's linux-source-6.12 (Debian 12's or 13's), with its
#         gcc through ccache (a changed fragment rebuilds in about a minute)
#   7.3   trixie-backports' linux-source-7.3, built with gcc-14 inside the
#         Debian 13 root of tests/roots.sh
# Cached outside the checkout (under $TCPS_CACHE, or in the root), keyed
# by the source version and the config fragment.
#
# usage: debug-kernel.sh [6.12|7.3]
# Prints the build directory as this host sees it (bzImage at
# arch/x86/boot/bzImage; usable as KDIR for the module, from inside the
# root for 7.3).
set -euo pipefail
cd "$(dirname "$0")/.."

series=${1:-6.12}
cache=${TCPS_CACHE:-/var/cache/tcpstates}
case "$series" in
6.12)
	root=
	inner=$cache
	tarball=/usr/src/linux-source-6.12.tar.xz
	src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	export CCACHE_DIR=$cache/ccache
	export CCACHE_MAXSIZE=5G
	# Same paths for every key, so ccache hits across fragments.
	export CCACHE_BASEDIR=$cache CCACHE_NOHASHDIR=1
	cc="ccache gcc" hostcc=gcc
	run() { "$@"; }
	;;
7.3)
	root=$(tests/roots.sh root trixie)
	# The root's own cache: the only place its compiler can see.
	inner=/var/cache/tcps-debug
	[ -f "$root/usr/src/linux-source-7.3.tar.xz" ] ||
		tests/roots.sh run trixie apt-get install -y -qq \
			--no-install-recommends linux-source-7.3 >&2
	tarball=$root/usr/src/linux-source-7.3.tar.xz
	src_ver=$(chroot "$root" dpkg-query -W -f='${Version}' linux-source-7.3)
	cc=gcc-14 hostcc=gcc-14
	run() { tests/roots.sh run trixie "$@"; }
	;;
*)
	echo "usage: $0 [6.12|7.3]" >&2
	exit 2
	;;
esac
key=$(cat tests/debug.config tests/debug-kernel.sh | sha256sum | cut -c1-12)
src=$inner/linux-source-$src_ver
build=$inner/debug-kernel-$src_ver-$key

if [ -f "$root$build/.tcps-done" ]; then
	echo "$root$build"
	exit 0
fi

mkdir -p "$root$inner"
if [ ! -f "$root$src/.tcps-extracted" ]; then
	echo "debug-kernel: extracting linux-source $src_ver" >&2
	rm -rf "$root$src"
	mkdir -p "$root$src"
	tar -xJf "$tarball" -C "$root$src" --strip-components=1
	touch "$root$src/.tcps-extracted"
fi

# Builds of older keys are dead weight (1-2 GB each).
rm -rf "$root$inner/debug-kernel-$src_ver"-*
mkdir -p "$root$build"
echo "debug-kernel: building $series in $root$build (cold: ~10 min on 2 cores)" >&2
start=$(date +%s)
run make -C "$src" O="$build" ARCH=x86_64 CC="$cc" HOSTCC="$hostcc" tinyconfig \
	>"$root$build/config.log" 2>&1
# The fragment as the build sees it: inside the root, at /work.
frag=$PWD/tests/debug.config
[ -z "$root" ] || frag=/work/tests/debug.config
run sh -c 'cd "$1" && ARCH=x86_64 CC="$2" HOSTCC="$2" scripts/kconfig/merge_config.sh -m \
	-O "$3" "$3/.config" "$4"' sh "$src" "$cc" "$build" "$frag" \
	>>"$root$build/config.log" 2>&1
run make -C "$src" O="$build" ARCH=x86_64 CC="$cc" HOSTCC="$hostcc" olddefconfig \
	>>"$root$build/config.log" 2>&1

# A fragment option that did not survive olddefconfig is a silent loss of
# a checker: refuse to build without it.  One this source does not define
# at all is a rename between series (PROC_SYSCTL is SYSCTL in 7.x): the
# fragment lists both names, and each series keeps the one it knows.
known=$(find "$root$src" -name 'Kconfig*' -exec sed -n 's/^\(menu\)\{0,1\}config \([A-Z0-9_]*\)$/CONFIG_\2/p' {} + | sort -u)
lost=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx -- "${line%%=*}" <<<"$known" || continue
		grep -qx -- "$line" "$root$build/.config" ||
			{ echo "debug-kernel: lost $line" >&2; lost=1; }
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$root$build/.config" ||
			{ echo "debug-kernel: $opt should be unset" >&2; lost=1; }
		;;
	esac
done <tests/debug.config
[ "$lost" -eq 0 ] || exit 1

run nice make -C "$src" O="$build" ARCH=x86_64 CC="$cc" HOSTCC="$hostcc" \
	-j"$(nproc)" all >"$root$build/build.log" 2>&1 ||
	{ tail -n 30 "$root$build/build.log" >&2; exit 1; }
# The source by a relative link, so the root's path works from here too
# (check_kunit.py runs the source's kunit.py).
ln -sfn "../linux-source-$src_ver" "$root$build/source"
echo "debug-kernel: built in $(($(date +%s) - start)) s" >&2
touch "$root$build/.tcps-done"
echo "$root$build"
