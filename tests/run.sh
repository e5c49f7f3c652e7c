#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every test: static checks, the scenario and the transitions sequences in
# a QEMU guest on each target Debian kernel, the DKMS matrix, a million
# sockets, then on a debug kernel (KASAN, lockdep, PROVE_RCU, built once
# and cached) the KUnit suite, the scenario, the transitions, 200k sockets
# made like the million and the churn stress.
# Installs what it needs.  Ends with the line "N passed, M failed" and
# exits non-zero if anything failed.
#
# usage: tests/run.sh [--quick]     --quick: the stock 6.12 guest only
set -uo pipefail
cd "$(dirname "$0")/.."

series=()
static=yes
debug=yes
if [ "${1:-}" = --quick ]; then
	series=(6.12)
	static=no
	debug=no
	quick=yes
elif [ $# -gt 0 ]; then
	echo "usage: $0 [--quick]" >&2
	exit 2
fi

out=.build/results
mkdir -p "$out"
passed=0 failed=0
# Every "not ok" line of both lanes, repeated before the verdict: a CI
# that keeps only the end of the output still says what failed.
failures=$out/failures.txt
: >"$failures"

# count NAME LOG: add up the "passed=N failed=M" line a step ended with; a
# step that ended without one (it crashed) is one failure.
count() {
	local line
	line=$(grep -E '^passed=[0-9]+ failed=[0-9]+$' "$2" | tail -n 1)
	if [ -z "$line" ]; then
		echo "not ok $1 ended without a verdict (see $2)" | tee -a "$failures"
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
	grep -E '^(\[[^]]*\] )?not ok ' "$log" >>"$failures"
	count "$name" "$log"
}

# no_diagnostics LOG CMD...: CMD succeeds and prints no warning or error.
no_diagnostics() {
	local log=$1
	shift
	"$@" >"$log" 2>&1 && ! grep -E 'warning:|error:' "$log"
}

# guest TAG KVER MODULE SCRIPT [EXTRA...]: build an initramfs, boot it and
# count the harness's verdict; the result file is $out/result-TAG.txt.
guest() {
	local tag=$1 kver=$2 ko=$3 script=$4
	shift 4
	must "$tag-initramfs" tests/vm/mkinitramfs.sh "$out/initramfs-$tag.cpio.gz" \
		"$kver" "$ko" "$script" "$@" || return 1
	echo "# booting ${VM_KERNEL:-Debian $kver} under QEMU TCG ($tag)"
	local t0=$SECONDS
	tests/vm/run-vm.sh "$kver" "$out/initramfs-$tag.cpio.gz" \
		"$out/result-$tag.txt" "$out/console-$tag.log" "${VM_TIMEOUT:-600}"
	echo "# $tag: the guest ran $((SECONDS - t0)) s"
	VM_TAG=$tag step "$tag-guest" "$out/verdict-$tag.log" \
		tests/vm/verdict.sh "$out/result-$tag.txt" "$out/console-$tag.log"
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
	echo "not ok $name (see $out/$name.log)" | tee -a "$failures"
	tail -n 20 "$out/$name.log" | sed 's/^/#   /'
	failed=$((failed + 1))
	return 1
}

finish() {
	if [ -s "$failures" ]; then
		echo "# what failed, from both lanes:"
		sed 's/^/#   /' "$failures"
	fi
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}

must deps tests/deps.sh ${quick:+quick} || finish
source tests/kernels.sh
# This host's own series (6.1 and 6.12 on Debian 12, 6.12 on Debian 13).
[ "${quick:-}" = yes ] || mapfile -t series < <(printf '%s\n' "${!TCPS_KERNELS[@]}" | sort -V)
root_kernels=("${TCPS_ROOT_KERNELS[@]}")
cross_kernels=("${TCPS_CROSS_KERNELS[@]}")
[ "${quick:-}" != yes ] || root_kernels=() cross_kernels=()

[ "$static" = no ] || step static "$out/static.log" tests/static.sh
[ "$static" = no ] || step tools "$out/tools.log" sh -c \
	'PROMTOOL=$(tests/prom-tool.sh promtool || true) NODE_EXPORTER=$(tests/prom-tool.sh node_exporter || true); export PROMTOOL NODE_EXPORTER; make -s -C tools check'
# The Debian packages as make deb builds them (lintian, contents, the
# reader's hardening, the units), before the lanes, which build them too.
[ "$static" = no ] || step deb "$out/deb.log" tests/deb.sh
must scenario-build make -C tests/scenario || finish
must tools-static-build make -C tools static || finish
must stress-build make -C tests/stress || finish
must transdrive-build make -C tests/trans || finish
[ "$static" = no ] || step stress-selftest "$out/stress-selftest.log" \
	tests/stress/selftest.sh
# What every scenario guest carries besides its module.  GNU cat as
# gnucat: as /bin/cat it would replace busybox's.
mkdir -p .build
cp -L /bin/cat .build/gnucat
scenario_files=(tests/scenario/scenario tools/tcpstates-static /usr/bin/jq
	tools/tests/guest.sh tools/tests/ss-expressions.txt .build/gnucat)

# prove TAG KVER PROGS SCENARIO_FILE...: on one kernel, the scenario
# (every state, against /proc/net/tcp and ss) and the transition
# sequences (exact matrix deltas and log entries; the conservation law,
# also under tcpstress's churn; the reader's --follow), each judged here.
# PROGS: the directory with the guest's transdrive, tcpstress and static
# reader (another architecture's are cross-built).
prove() {
	local tag=$1 kver=$2 progs=$3
	shift 3
	guest "$tag" "$kver" ".build/tcpstates-$kver.ko" tests/guest/scenario.sh \
		"$@" &&
		VM_TAG=$tag step "$tag-scenario" "$out/scenario-$tag.log" \
			python3 tests/check_scenario.py "$out/result-$tag.txt"
	# Single-threaded TCG (run-vm.sh, VM_TCG_THREAD): this guest patches
	# kernel text while connections run (reloads, the kernel's own
	# DO_ONCE keys at its first connect()), and multi-threaded TCG once
	# ran a stale int3 there (7.3: secure_tcp_seq_and_ts_off()).
	VM_TCG_THREAD=single guest "trans-$tag" "$kver" ".build/tcpstates-$kver.ko" \
		tests/guest/transitions.sh "$progs/tests/trans/transdrive" \
		"$progs/tests/stress/tcpstress" "$progs/tools/tcpstates-static" &&
		VM_TAG=trans-$tag step "trans-$tag-judge" "$out/trans-$tag.log" \
			python3 tests/check_transitions.py "$out/result-trans-$tag.txt"
}

# exact TAG KVER MODULE: each held socket exactly once in every read, in
# two one-chain netns and the shared table, under churn that frees and
# reuses socket objects (tests/guest/exact.sh, 60 s).
exact() {
	VM_APPEND="${VM_APPEND:-} exact_seconds=60" guest "exact-$1" "$2" "$3" \
		tests/guest/exact.sh tests/stress/tcpstress
}

# debug_suite SERIES TAG: on the debug kernel of SERIES (tinyconfig plus
# KASAN, lockdep, PROVE_RCU, kmemleak; cold build about 10 min on 2 cores,
# then cached), the KUnit suite, the scenario, the transitions and a 60 s
# churn stress with module reloads.  7.3's is built, like its module, in
# the Debian 13 root with gcc-14.
debug_suite() {
	local ver=$1 t=$2 kdir dkver dko root=
	must "$t-kernel" sh -c "tests/debug-kernel.sh $ver >$out/$t-kernel.path" ||
		return 1
	kdir=$(cat "$out/$t-kernel.path")
	dkver=$(cat "$kdir/include/config/kernel.release")
	dko=.build/$t/tcpstates.ko
	if [ "$ver" = 6.12 ]; then
		must "$t-module-build" no_diagnostics "$out/$t-build.raw" \
			make KVER="$t" KDIR="$kdir" \
			KBUILD_ARGS="TCPS_KUNIT=y KCFLAGS=-Werror C=2" || return 1
	else
		# No sparse: Debian 13's is too old for 7.x (see above).
		root=$(tests/roots.sh root trixie)
		must "$t-module-build" no_diagnostics "$out/$t-build.raw" \
			tests/roots.sh run trixie make -C /work KVER="$t" \
			KDIR="${kdir#"$root"}" \
			KBUILD_ARGS="TCPS_KUNIT=y KCFLAGS=-Werror CC=gcc-14" || return 1
	fi
	local VM_KERNEL=$kdir/arch/x86/boot/bzImage VM_MEM=2048 VM_TIMEOUT=900
	export VM_KERNEL VM_MEM VM_TIMEOUT

	if guest "$t-kunit" "$dkver" "$dko" tests/guest/kunit.sh \
		".build/$t/tcpstates_kunit.ko"; then
		VM_TAG=$t-kunit step "$t-kunit" "$out/kunit-$t.log" \
			python3 tests/check_kunit.py "$out/result-$t-kunit.txt" \
			"$kdir/source"
	fi
	if guest "$t-scenario" "$dkver" "$dko" tests/guest/scenario.sh \
		"${scenario_files[@]}"; then
		VM_TAG=$t step "$t-scenario" "$out/scenario-$t.log" \
			python3 tests/check_scenario.py "$out/result-$t-scenario.txt"
	fi
	if VM_TCG_THREAD=single guest "$t-trans" "$dkver" "$dko" \
		tests/guest/transitions.sh \
		tests/trans/transdrive tests/stress/tcpstress \
		tools/tcpstates-static; then
		VM_TAG=$t-trans step "$t-trans-judge" "$out/trans-$t.log" \
			python3 tests/check_transitions.py "$out/result-$t-trans.txt"
	fi
	# The bucket locks and the copy under them, under lockdep and KASAN
	# (whose SLUB_RCU_DEBUG delays reuse: the stock and RT runs above
	# are the ones that would show a reuse race).
	exact "$t" "$dkver" "$dko"
	# Churn, readers and module reloads for 120 s under KASAN and lockdep;
	# single-threaded TCG, as every reload patches kernel text under
	# load (see run-vm.sh, VM_TCG_THREAD).  Both vCPUs then share one
	# host thread and a reload's grace periods take longer (6-16 s on
	# 7.3): 60 s once gave 4 reloads where the guest wants 5.
	VM_TCG_THREAD=single VM_APPEND="stress_seconds=120" guest "$t-stress" \
		"$dkver" "$dko" tests/guest/stress.sh tests/stress/tcpstress
}

# The kernels' lane: the scenario and the transitions on every series.
lane_kernels() {
	for s in "${series[@]}"; do
		kver=${TCPS_KERNELS[$s]}
		must "$s-module-build" make KVER="$kver" || continue
		prove "$s" "$kver" . "${scenario_files[@]}"
	done
	[ "${quick:-}" != yes ] || return 0

	# Every other series Debian ships (on a Debian 12 host: Debian 13's 6.12,
	# 7.3 and 7.2 from trixie-backports, and sid's newest; on a Debian 13
	# host Debian 12's 6.1 and 6.12 instead of 13's 6.12): built W=1 -Werror
	# and sparse-clean in a Debian root with that distribution's compiler,
	# then the scenario and the transitions booted from the root's own kernel
	# image and modules.
	declare -A root_kvers=()
	for entry in "${root_kernels[@]}"; do
		read -r tag suite spec <<<"$entry"
		must "$tag-root" tests/roots.sh root "$suite" || continue
		kver=$(tests/roots.sh kver "$suite" "$spec" 2>"$out/$tag-kver.log")
		must "$tag-kernel ($suite $spec: ${kver:-none})" \
			tests/roots.sh kernel "$suite" "$kver" || continue
		must "$tag-module-build ($kver, W=1 -Werror)" no_diagnostics \
			"$out/$tag-build.raw" tests/roots.sh run "$suite" \
			make -C /work KVER="$kver" KBUILD_ARGS="KCFLAGS=-Werror C=2" || continue
		# Kbuild runs sparse only if the kernel's checker-valid.sh accepts
		# it: 7.x wants one that knows __typeof_unqual__, newer than
		# Debian's 0.6.4 (and its header packages lack the script).
		if grep -q '  CHECK ' "$out/$tag-build.raw"; then
			echo "ok $tag: sparse (C=2) ran and reports nothing"
			passed=$((passed + 1))
		else
			echo "# $tag: sparse not run: $(grep -o 'C=2 specified.*' "$out/$tag-build.raw")"
		fi
		root_kvers[$suite]="${root_kvers[$suite]:-} $kver"
		KMODS_ROOT=$(tests/roots.sh root "$suite") \
			VM_KERNEL=$(tests/roots.sh image "$suite" "$kver") \
			prove "$tag" "$kver" . "${scenario_files[@]}"
	done

	# The README's two commands on the other stable release (Debian 13 from
	# a Debian 12 host, and the reverse), run as on a freshly installed
	# machine of it (roots.sh host: debootstrap's minbase, kept between runs):
	# the demo, which prints the guest's file, and the quick test run, whose
	# checks count here.  The full run there is make test-other-host.
	if [ ${#root_kernels[@]} -gt 0 ]; then
		o=$TCPS_OTHER
		must "demo-$o (the demo command on a Debian $o machine)" sh -c "
			tests/roots.sh host $o tests/demo.sh >$out/demo-$o.log 2>&1 &&
			grep -q '^tcpstates [0-9][0-9]*: TCP sockets of net namespace' $out/demo-$o.log &&
			grep -q '^ESTABLISHED  *[1-9]' $out/demo-$o.log &&
			grep -q '^Total  *[1-9]' $out/demo-$o.log"
		step "quick-$o" "$out/quick-$o.log" sh -c "
			tests/roots.sh host $o tests/run.sh --quick 2>&1 |
			sed -e 's/^\(not \)\{0,1\}ok /&[Debian $o machine] /' \
				-e 's/^\([0-9]*\) passed, \([0-9]*\) failed\$/passed=\1 failed=\2/'"
	fi

	# Other architectures (arm64): the module cross-built W=1 -Werror in the
	# Debian 13 root against Debian's headers for it, the guest programs
	# cross-built too, and Debian's own kernel of that architecture booted
	# in QEMU TCG (qemu-system-aarch64 -M virt -cpu max) with the scenario
	# and the transitions.
	for entry in "${cross_kernels[@]}"; do
		read -r tag suite spec arch <<<"$entry"
		kver=$(tests/roots.sh kver "$suite" "$spec" "$arch" 2>"$out/$tag-kver.log")
		must "$tag-kernel ($suite $spec $arch: ${kver:-none})" \
			tests/roots.sh kernel "$suite" "$kver" || continue
		must "$tag-sysroot" sh -c "tests/roots.sh sysroot $suite $arch >$out/$tag.sysroot" ||
			continue
		must "$tag-module-build ($kver, W=1 -Werror)" no_diagnostics \
			"$out/$tag-build.raw" tests/roots.sh run "$suite" \
			make -C /work KVER="$kver" KBUILD_ARGS="KCFLAGS=-Werror" || continue
		must "$tag-programs" tests/roots.sh run "$suite" \
			/work/tests/cross-progs.sh "$arch" aarch64-linux-gnu-gcc-14 || continue
		sysroot=$(cat "$out/$tag.sysroot")
		p=.build/$arch/src
		cp -L "$sysroot/usr/bin/cat" ".build/$arch/gnucat"
		VM_ARCH=$arch VM_SYSROOT=$sysroot KMODS_ROOT=$(tests/roots.sh root "$suite") \
			VM_KERNEL=$(tests/roots.sh image "$suite" "$kver") \
			prove "$tag" "$kver" "$p" \
			"$p/tests/scenario/scenario" "$p/tools/tcpstates-static" \
			"$sysroot/usr/bin/jq" tools/tests/guest.sh \
			tools/tests/ss-expressions.txt ".build/$arch/gnucat"
	done

	# Where a reader can be stopped anywhere in a chain: preempt=full (RCU
	# read sections preemptible too) and more vCPUs than this host has cores.
	VM_SMP=4 VM_APPEND=preempt=full exact 6.12 "${TCPS_KERNELS[6.12]}" \
		".build/tcpstates-${TCPS_KERNELS[6.12]}.ko"
	# A reader confined to a small memory cgroup: ENOMEM at its limit
	# (log snapshot, a long chain's rows), no OOM kill, and the read
	# goes on with the same walk once the limit is lifted.
	for s in "${series[@]}"; do
		kver=${TCPS_KERNELS[$s]}
		guest "memcg-$s" "$kver" ".build/tcpstates-$kver.ko" \
			tests/guest/memcg.sh tests/stress/tcpstress
	done

	# The transitions on PREEMPT_RT too, where softirqs run in threads.
	rtk=${TCPS_DKMS_BOOT[6.12-rt]}
	if must rt-module-build make KVER="$rtk" &&
		VM_TCG_THREAD=single guest trans-rt "$rtk" \
		".build/tcpstates-$rtk.ko" \
			tests/guest/transitions.sh tests/trans/transdrive \
			tests/stress/tcpstress tools/tcpstates-static; then
		VM_TAG=trans-rt step trans-rt-judge "$out/trans-rt.log" \
			python3 tests/check_transitions.py "$out/result-trans-rt.txt"
		# Softirqs and RCU readers preemptible: where the lockless walk
		# showed connections twice (and missed held ones) under churn.
		exact rt "$rtk" ".build/tcpstates-$rtk.ko"
	fi

	# The .deb in the other stable release's root (this host's own
	# ABIs are the other lane's, tests/dkms-root.sh host).
	# shellcheck disable=SC2086 # the list of kernel releases
	step "dkms-$TCPS_OTHER" "$out/dkms-$TCPS_OTHER.log" tests/dkms-root.sh \
		"$TCPS_OTHER" ${root_kvers[$TCPS_OTHER]:-}
}

# The other lane: DKMS on this host, a million sockets and the debug
# kernels.
lane_rest() {
	# DKMS as appliances use it: build and install for every Debian kernel ABI,
	# boot 6.1, 6.12 and 6.12-rt loading the installed module with modprobe,
	# then the .deb: install and purge.
	step dkms-matrix "$out/dkms-matrix.log" tests/dkms.sh matrix
	for s in "${!TCPS_DKMS_BOOT[@]}"; do
		kver=${TCPS_DKMS_BOOT[$s]}
		ko=$(ls /lib/modules/"$kver"/updates/dkms/tcpstates.ko* 2>/dev/null | head -n 1)
		must "dkms-$s-installed" test -n "$ko" || continue
		DKMS_MODULE=$ko guest "dkms-$s" "$kver" none tests/guest/dkms.sh \
			tests/guest/scenario.sh "${scenario_files[@]}" || continue
		VM_TAG=dkms-$s step "dkms-$s-scenario" "$out/scenario-dkms-$s.log" \
			python3 tests/check_scenario.py "$out/result-dkms-$s.txt"
	done
	# The .deb with the proven kernels' headers and those of kernels it must
	# skip, the hooks of a kernel upgrade, an upgrade of the package, a purge:
	# here (every ABI of this host; the other stable release's root is
	# the kernels' lane's).
	host_kvers=()
	for pkg in "${TCPS_DKMS_HEADERS[@]}"; do host_kvers+=("$(kver_of "$pkg")"); done
	step dkms-host "$out/dkms-host.log" tests/dkms-root.sh host "${host_kvers[@]}"

	# A million sockets on the stock 6.12 kernel: exact, no stall report.
	step million-stock "$out/million-stock.log" tests/million.sh stock

	debug_suite 6.12 debug
	# 200k sockets on it (making them under KASAN takes about 1.3 ms each);
	# make million runs the full million.
	MILLION_MEM=4096 step million-debug "$out/million-debug.log" \
		tests/million.sh debug 200000
	# The newest series: its tracepoint probes run preemptible (SRCU-fast).
	debug_suite 7.3 debug-7.3
}

# Two lanes at once, one per core: most guests keep one vCPU busy, and a
# sequential run took 83 minutes.  The other lane's lines are shown
# when it ends (as they come: .build/results/lane-rest.log); each lane
# counts its own checks.
if [ "$debug" = yes ]; then
	(
		passed=0 failed=0
		lane_rest
		echo "passed=$passed failed=$failed"
	) >"$out/lane-rest.log" 2>&1 &
	rest=$!
	echo "# the DKMS, million and debug lane runs beside this one (lines: $out/lane-rest.log)"
fi
t0=$SECONDS
lane_kernels
echo "# the kernels' lane took $((SECONDS - t0)) s"
if [ "$debug" = yes ]; then
	wait "$rest"
	echo "# the other lane ended after $((SECONDS - t0)) s; its lines:"
	grep -v -E '^passed=[0-9]+ failed=[0-9]+$' "$out/lane-rest.log"
	count lane-rest "$out/lane-rest.log"
fi
finish
