#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test: static checks, then the scenario in a QEMU guest on each
# target Debian kernel.  Installs what it needs.  Ends with the line
# "N passed, M failed" and exits non-zero if anything failed.
#
# usage: tests/run.sh [--quick]     --quick: the 6.12 guest only
set -uo pipefail
cd "$(dirname "$0")/.."

series=(6.1 6.12)
static=yes
if [ "${1:-}" = --quick ]; then
	series=(6.12)
	static=no
elif [ $# -gt 0 ]; then
	echo "usage: $0 [--quick]" >&2
	exit 2
fi

out=.build/results
mkdir -p "$out"
passed=0 failed=0

# count NAME LOG: add up the "passed=N failed=M" line a step ended with; a
# step that ended without one (it crashed) is one failure.
count() {
	local line
	line=$(grep -E '^passed=[0-9]+ failed=[0-9]+$' "$2" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok $1 ended without a verdict (see $2)"
		failed=$((failed + 1))
		return
	fi
	line=${line#passed=}
	passed=$((passed + ${line%% *}))
	failed=$((failed + ${line##*failed=}))
}

# step NAME LOG CMD...: run a counted step, showing its lines as they come.
step() {
	local name=$1 log=$2
	shift 2
	"$@" 2>&1 | tee "$log" | grep -v -E '^passed=[0-9]+ failed=[0-9]+$'
	count "$name" "$log"
}

# must NAME CMD...: a prerequisite; counted as one assertion.
must() {
	local name=$1
	shift
	if "$@" >"$out/$name.log" 2>&1; then
		echo "ok $name"
		passed=$((passed + 1))
		return 0
	fi
	echo "not ok $name (see $out/$name.log)"
	tail -n 20 "$out/$name.log" | sed 's/^/#   /'
	failed=$((failed + 1))
	return 1
}

finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

must deps tests/deps.sh || finish
source tests/kernels.sh

[ "$static" = no ] || step static "$out/static.log" tests/static.sh
must scenario-build make -C tests/scenario || finish

for s in "${series[@]}"; do
	kver=${TCPS_KERNELS[$s]}
	must "$s-module-build" make KVER="$kver" || continue
	must "$s-initramfs" tests/vm/mkinitramfs.sh "$out/initramfs-$s.cpio.gz" \
		"$kver" ".build/tcpstates-$kver.ko" tests/guest/scenario.sh \
		tests/scenario/scenario || continue
	echo "# booting Debian $kver under QEMU TCG"
	tests/vm/run-vm.sh "$kver" "$out/initramfs-$s.cpio.gz" \
		"$out/result-$s.txt" "$out/console-$s.log" 300
	VM_TAG=$s step "$s-guest" "$out/verdict-$s.log" \
		tests/vm/verdict.sh "$out/result-$s.txt" "$out/console-$s.log"
	VM_TAG=$s step "$s-scenario" "$out/scenario-$s.log" \
		python3 tests/check_scenario.py "$out/result-$s.txt"
done
finish
