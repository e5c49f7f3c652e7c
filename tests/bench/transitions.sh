#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the transition probes cost TCP: the rate of a loopback
# connect/accept/close loop (tests/trans/transdrive bench) with tcpstates
# not loaded, loaded, and loaded with log=0 (counting only), in one QEMU
# guest, rotating in rounds so drift hits all alike.  Prints a table of
# rates and each loaded/unloaded ratio of the medians.  A measurement, not a test: it exits non-zero only when
# the guest did not run.
#
# usage: tests/bench/transitions.sh [KVER] [ROUNDS=8] [SECONDS=4]
#        KVER: a Debian kernel release (default: the 6.12 one); one not
#        installed here (7.x) is built and booted from the Debian root
#        of tests/roots.sh (BENCH_SUITE, default trixie)
#
# The guest runs with QEMU's -icount (BENCH_ICOUNT=1, the default): its
# clock then advances by one nanosecond per instruction executed, so a rate
# counts instructions, not the host's mood, and the ratio is steady to a few
# tenths of a percent.  That is the module's cost in instructions, which
# weighs all instructions alike; BENCH_ICOUNT=0 times by the wall clock
# instead, under TCG about +-20% per run, and distorted by emulation (an
# HPET read, the 6.1 guest's clocksource, is an exit to QEMU).
set -euo pipefail
cd "$(dirname "$0")/../.."
# Standalone (make bench, ...) too: what it needs, quick if all is there.
tests/deps.sh >/dev/null
source tests/kernels.sh

kver=${1:-${TCPS_KERNELS[6.12]}}
rounds=${2:-8}
seconds=${3:-4}
out=.build/bench-transitions
mkdir -p "$out"

if [ -d "/lib/modules/$kver/build" ]; then
	make --no-print-directory -s KVER="$kver" >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log"; exit 1; }
else
	# Debian 13's kernels want its gcc-14: built in its root, as
	# tests/run.sh does, and booted from the root's image and modules.
	suite=${BENCH_SUITE:-trixie}
	{ tests/roots.sh kernel "$suite" "$kver" &&
		tests/roots.sh run "$suite" make --no-print-directory -s -C /work \
			KVER="$kver"; } >"$out/build.log" 2>&1 ||
		{ cat "$out/build.log"; exit 1; }
	KMODS_ROOT=$(tests/roots.sh root "$suite")
	VM_KERNEL=$(tests/roots.sh image "$suite" "$kver")
	export KMODS_ROOT VM_KERNEL
fi
make --no-print-directory -s -C tests/trans >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; exit 1; }

# The guest half: one "<mode> <round> <rate>" line per run.
cat >"$out/guest.sh" <<EOF
#!/bin/sh
KO=/lib/modules/tcpstates.ko
run() {
	mode=\$1
	case \$mode in
	loaded) log=1 ;;
	nolog) log=0 ;;
	*) log= ;;
	esac
	if [ "\$(cat /sys/module/tcpstates/parameters/log 2>/dev/null)" != "\$log" ]; then
		[ ! -d /sys/module/tcpstates ] || rmmod tcpstates
		[ -z "\$log" ] || insmod \$KO log=\$log
	fi
	# One CPU: the loop and its loopback softirqs share it, as one flow
	# would.
	rate=\$(unshare -n sh -c 'ip link set lo up
		exec taskset -c 0 transdrive bench $seconds' |
		awk '/^BENCH/ { print \$7 }')
	echo "\$mode \$2 \${rate:-0}" >&3
	# The netns goes away with thousands of TIME_WAIT sockets: let its
	# cleanup finish before the next run.
	sleep 3
}
grep -H . /sys/devices/system/clocksource/clocksource0/current_clocksource |
	sed 's/^/# /' >&3
# A first run warms caches up (the first connections after boot are
# dearer): not counted.
run loaded 0 >/dev/null 3>&1
echo "BEGIN bench" >&3
r=1
while [ \$r -le $rounds ]; do
	# Rotate which goes first, so a trend does not favour one.
	case \$((r % 3)) in
	1) order="unloaded loaded nolog" ;;
	2) order="loaded nolog unloaded" ;;
	0) order="nolog unloaded loaded" ;;
	esac
	for m in \$order; do
		run \$m \$r
	done
	r=\$((r + 1))
done
echo "END bench rc=0" >&3
[ ! -d /sys/module/tcpstates ] || rmmod tcpstates
insmod \$KO
EOF
chmod +x "$out/guest.sh"

tests/vm/mkinitramfs.sh "$out/initramfs.cpio.gz" "$kver" \
	".build/tcpstates-$kver.ko" "$out/guest.sh" tests/trans/transdrive
if [ "${BENCH_ICOUNT:-1}" = 1 ]; then
	# run-vm.sh takes the QEMU binary from VM_QEMU: add -icount there.
	# sleep=off: idle time is skipped, not waited for.  The last -cpu and
	# -smp win: QEMU 7.2's icount mode corrupts EFLAGS around SLUB's
	# cmpxchg16b now and then (the guest dies of a #DB or double fault,
	# with or without tcpstates), so no CX16; and the 6.1 guest hangs
	# bringing up a second CPU, so one (the loop runs on one anyway).
	printf '#!/bin/sh\nexec %s -icount shift=0,sleep=off "$@" -cpu max,-cx16 -smp 1\n' \
		"${VM_QEMU:-qemu-system-x86_64}" >"$out/qemu-icount"
	chmod +x "$out/qemu-icount"
	export VM_QEMU=$PWD/$out/qemu-icount
	clock="instruction-counted (-icount, 1 ns per instruction)"
else
	clock="wall-clock"
fi
echo "# booting $kver under QEMU TCG, $clock: $rounds rounds of ${seconds}s per mode"
tests/vm/run-vm.sh "$kver" "$out/initramfs.cpio.gz" "$out/result.txt" \
	"$out/console.log" $((120 + rounds * (seconds + 3) * 18)) || true
if ! tests/vm/verdict.sh "$out/result.txt" "$out/console.log" >"$out/verdict.log"; then
	cat "$out/verdict.log"
	exit 1
fi

python3 - "$out/result.txt" "$kver" <<'EOF'
import statistics
import sys

rates = {"unloaded": {}, "loaded": {}, "nolog": {}}
inside = False
for line in open(sys.argv[1], errors="replace"):
    line = line.strip()
    if line.startswith("# "):
        print(line)
    if line == "BEGIN bench":
        inside = True
    elif line.startswith("END bench"):
        inside = False
    elif inside:
        mode, rnd, rate = line.split()
        rates[mode][int(rnd)] = float(rate)

print(f"kernel {sys.argv[2]}: loopback connect/accept/close, connections/s")
print(f"{'round':>6} {'unloaded':>10} {'loaded':>10} {'ratio':>7} "
      f"{'log=0':>10} {'ratio':>7}")
for rnd in sorted(rates["unloaded"]):
    u = rates["unloaded"][rnd]
    l, n = rates["loaded"].get(rnd, 0), rates["nolog"].get(rnd, 0)
    print(f"{rnd:>6} {u:>10.1f} {l:>10.1f} {l / u if u else 0:>7.3f} "
          f"{n:>10.1f} {n / u if u else 0:>7.3f}")
mu = statistics.median(rates["unloaded"].values())
ml = statistics.median(rates["loaded"].values())
mn = statistics.median(rates["nolog"].values())
print(f"{'median':>6} {mu:>10.1f} {ml:>10.1f} {ml / mu:>7.3f} "
      f"{mn:>10.1f} {mn / mu:>7.3f}")
for name, m in (("loaded", ml), ("log=0", mn)):
    print(f"{name}: ratio {m / mu:.3f}: the module costs "
          f"{(1 - m / mu) * 100:.1f}% of the connection rate (goal: under 1%)")
EOF
