#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What the transition probes cost TCP: the rate of a loopback
# connect/accept/close loop (tests/trans/transdrive bench) with tcpstates
# loaded and not loaded, in one QEMU guest, alternating in rounds so drift
# hits both alike.  Prints a table of rates and the loaded/unloaded ratio
# of the medians.  A measurement, not a test: it exits non-zero only when
# the guest did not run.
#
# usage: tests/bench/transitions.sh [KVER] [ROUNDS=8] [SECONDS=4]
#        KVER: a Debian kernel release (default: the 6.12 one)
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

make --no-print-directory -s KVER="$kver" >"$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; exit 1; }
make --no-print-directory -s -C tests/trans >>"$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; exit 1; }

# The guest half: one "<mode> <round> <rate>" line per run.
cat >"$out/guest.sh" <<EOF
#!/bin/sh
KO=/lib/modules/tcpstates.ko
run() {
	mode=\$1
	if [ \$mode = loaded ]; then
		[ -d /sys/module/tcpstates ] || insmod \$KO
	else
		[ ! -d /sys/module/tcpstates ] || rmmod tcpstates
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
	# Alternate which goes first, so a trend does not favour either.
	if [ \$((r % 2)) = 1 ]; then
		run unloaded \$r
		run loaded \$r
	else
		run loaded \$r
		run unloaded \$r
	fi
	r=\$((r + 1))
done
echo "END bench rc=0" >&3
[ -d /sys/module/tcpstates ] || insmod \$KO
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
	"$out/console.log" $((120 + rounds * (seconds + 3) * 12)) || true
if ! tests/vm/verdict.sh "$out/result.txt" "$out/console.log" >"$out/verdict.log"; then
	cat "$out/verdict.log"
	exit 1
fi

python3 - "$out/result.txt" "$kver" <<'EOF'
import statistics
import sys

rates = {"unloaded": {}, "loaded": {}}
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
print(f"{'round':>5} {'unloaded':>10} {'loaded':>10} {'ratio':>7}")
for rnd in sorted(rates["unloaded"]):
    u, l = rates["unloaded"][rnd], rates["loaded"].get(rnd, 0)
    print(f"{rnd:>5} {u:>10.1f} {l:>10.1f} {l / u if u else 0:>7.3f}")
mu = statistics.median(rates["unloaded"].values())
ml = statistics.median(rates["loaded"].values())
print(f"{'median':>5} {mu:>10.1f} {ml:>10.1f} {ml / mu:>7.3f}")
print(f"ratio loaded/unloaded {ml / mu:.3f}: the module costs "
      f"{(1 - ml / mu) * 100:.1f}% of the connection rate (goal: under 2%)")
EOF
