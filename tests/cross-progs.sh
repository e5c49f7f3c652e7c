#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The guest's own programs (the scenario, the transitions driver, the
# churn stress, the reader) for another architecture, with the projects' Makefiles and a
# cross compiler, in a copy under .build/ARCH/ so this host's binaries
# stay.  Run in a root that has the compiler (tests/roots.sh run).
#
# usage: cross-progs.sh ARCH CROSS_CC      e.g. arm64 aarch64-linux-gnu-gcc-14
set -eu
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "usage: $0 ARCH CROSS_CC" >&2; exit 2; }
out=.build/$1/src
rm -rf "$out"
mkdir -p "$out/tests"
cp -a dkms.conf uapi tools "$out/"
cp -a tests/scenario tests/trans tests/stress "$out/tests/"
make -s -C "$out/tests/scenario" clean scenario CC="$2"
make -s -C "$out/tests/trans" clean transdrive CC="$2"
make -s -C "$out/tests/stress" clean tcpstress CC="$2"
make -s -C "$out/tools" clean static CC="$2"
