#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel: Debian's linux-source-6.12, tinyconfig plus
# tests/debug.config.  Cached outside the checkout under $TCPS_CACHE, keyed
# by the source version and the config fragment, and compiled through
# ccache, so a changed fragment rebuilds in about a minute.
#
# Prints the build directory (bzImage at arch/x86/boot/bzImage; usable as
# KDIR for the module).
set -euo pipefail
cd "$(dirname "$0")/.."

cache=${TCPS_CACHE:-/var/cache/tcpstates}
src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
key=$(cat tests/debug.config tests/debug-kernel.sh | sha256sum | cut -c1-12)
src=$cache/linux-source-$src_ver
build=$cache/debug-kernel-$src_ver-$key

if [ -f "$build/.tcps-done" ]; then
	echo "$build"
	exit 0
fi

mkdir -p "$cache"
if [ ! -f "$src/.tcps-extracted" ]; then
	echo "debug-kernel: extracting linux-source $src_ver" >&2
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1
	touch "$src/.tcps-extracted"
fi

export CCACHE_DIR=$cache/ccache
export CCACHE_MAXSIZE=5G
# Same paths for every key, so ccache hits across fragments.
export CCACHE_BASEDIR=$cache CCACHE_NOHASHDIR=1
rm -rf "$build"
mkdir -p "$build"
echo "debug-kernel: building in $build (cold: ~6 min on 2 cores)" >&2
start=$(date +%s)
make -C "$src" O="$build" ARCH=x86_64 tinyconfig >"$build/config.log" 2>&1
(cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m -O "$build" \
	"$build/.config" "$OLDPWD/tests/debug.config") >>"$build/config.log" 2>&1
make -C "$src" O="$build" ARCH=x86_64 olddefconfig >>"$build/config.log" 2>&1

# A fragment option that did not survive olddefconfig is a silent loss of
# a checker: refuse to build without it.
lost=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx -- "$line" "$build/.config" ||
			{ echo "debug-kernel: lost $line" >&2; lost=1; }
		;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		! grep -q "^$opt=" "$build/.config" ||
			{ echo "debug-kernel: $opt should be unset" >&2; lost=1; }
		;;
	esac
done <tests/debug.config
[ "$lost" -eq 0 ] || exit 1

nice make -C "$src" O="$build" ARCH=x86_64 CC="ccache gcc" \
	-j"$(nproc)" all >"$build/build.log" 2>&1 ||
	{ tail -n 30 "$build/build.log" >&2; exit 1; }
echo "debug-kernel: built in $(($(date +%s) - start)) s" >&2
touch "$build/.tcps-done"
echo "$build"
