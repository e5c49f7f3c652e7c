#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Static checks, each a counted assertion: the module builds warning-free
# with W=1 -Werror and is sparse-clean against the headers of every target
# kernel, checkpatch --strict is clean, and the uapi header is C90-clean on
# its own.  Prints "ok"/"not ok" lines and "passed=N failed=M".
set -uo pipefail
cd "$(dirname "$0")/.."
source tests/kernels.sh

cache=${TCPS_CACHE:-/var/cache/tcpstates}
logs=.build/static
mkdir -p "$logs"
passed=0 failed=0
check() { # NAME LOG CMD...: CMD's success is the verdict; LOG keeps output
	local name=$1 log=$2
	shift 2
	if "$@" >"$log" 2>&1; then
		echo "ok $name"
		passed=$((passed + 1))
	else
		echo "not ok $name (see $log)"
		sed 's/^/#   /' "$log" | head -20
		failed=$((failed + 1))
	fi
}
# no_diagnostics LOG CMD...: CMD succeeds and prints no warning or error.
no_diagnostics() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 && ! grep -E 'warning:|error:' "$log"
}

for series in "${!TCPS_KERNELS[@]}"; do
	kver=${TCPS_KERNELS[$series]}
	check "$series: module builds with W=1 -Werror ($kver)" "$logs/build-$kver.log" \
		make --no-print-directory KVER="$kver" KBUILD_ARGS=KCFLAGS=-Werror
	check "$series: sparse (C=2) reports nothing ($kver)" "$logs/sparse-$kver.log" \
		no_diagnostics "$logs/sparse-$kver.raw" \
		make --no-print-directory KVER="$kver" KBUILD_ARGS=C=2
done

check "module/compat.h: each guard stops the build naming what is missing" \
	"$logs/compat-guards.log" tests/compat-guards.sh

# checkpatch.pl from Debian's linux-source, extracted once per version.
src_ver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
cp_dir=$cache/checkpatch-$src_ver
if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	mkdir -p "$cp_dir"
	tar -xJf /usr/src/linux-source-6.12.tar.xz -C "$cp_dir" --strip-components=1 \
		linux-source-6.12/scripts/checkpatch.pl \
		linux-source-6.12/scripts/spelling.txt \
		linux-source-6.12/scripts/const_structs.checkpatch
fi
shopt -s nullglob
files=(module/*.[ch] module/conftest/*.c uapi/linux/*.h kunit/*.[ch])
check "checkpatch --strict is clean (${#files[@]} files)" "$logs/checkpatch.log" \
	"$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse --quiet -f "${files[@]}"

# uapi rules: the header alone, and used, as strict C90.
check "uapi header compiles alone as C90 -Wall -Werror" "$logs/uapi-alone.log" \
	gcc -std=c90 -pedantic -Wall -Wextra -Werror -Iuapi -fsyntax-only \
	-x c uapi/linux/tcpstates.h
check "uapi state list works as a C90 initializer" "$logs/uapi-use.log" \
	tests/uapi-names.sh

echo "passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
