#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Read cost at many sockets (make bench): in one QEMU guest, hold loopback
# connection pairs (SIZES, default 1000 10000 100000) plus 80 listeners
# and a steady 10000 TIME_WAIT sockets, and time, with an in-guest clock
# (tests/bench/benchtime.c: min and median of REPS runs):
#
#   tcpstates-1M   read /proc/tcpstates with 1 MiB read()s (as cat does)
#   tcpstates-4K   the same with 4 KiB read()s
#   cat-busybox    busybox cat /proc/tcpstates, stdout /dev/null: one
#                  sendfile() (splice through an internal pipe)
#   cat-busybox-pipe  the same into a pipe (sendfile() to the pipe: a
#                  chunk per call), drained by a second busybox cat
#   cat-gnu        GNU cat (the host's, as gnucat): 128 KiB read()s
#   cat-proc-net-tcp  busybox cat /proc/net/tcp /proc/net/tcp6 (no
#                  splice there: read()s of 64 KiB), the issue's baseline
#   counts         read /proc/tcpstates_counts
#   proc-net-tcp   read /proc/net/tcp and /proc/net/tcp6, 1 MiB read()s
#   proc-net-tcp-4K  the same with 4 KiB read()s (what a syscall costs)
#   ss-tan, ss-s, netstat-tan   the tools, stdout to /dev/null
#   exec-true      what starting a program costs (ss and netstat pay it)
#   tcpstates-tan  the reader (tools/tcpstates -tan), stdout to /dev/null
#   tcpstates-tanp, ss-tanp, netstat-tanp   the same with -p: each socket's
#                  owner found by scanning /proc/*/fd (mksockets holds
#                  them all); only when ONLY names them
#
# Checks first that ss asks the kernel over netlink (inet_diag, tcp_diag):
# fails if it fell back to parsing /proc/net/tcp, whose cost it would
# then show.  Records with strace (when the host has it) which system
# calls each cat makes.
#
# Prints a table of medians with ratios against proc-net-tcp, then cat
# /proc/tcpstates against cat /proc/net/tcp{,6} and ss -tan, writes it
# and the raw data to .build/bench/, and plots time against socket count
# to .build/bench/bench.png.  A measurement, not a test: exits non-zero
# only when the guest did not run or ss did not use netlink.
#
# usage: tests/bench/run.sh [KVER]   (default: the Debian 6.12 kernel)
# environment: SIZES, REPS (default 5; 3 above 50000 pairs), VM_MEM (6144),
#              ONLY (the readers to time, e.g. "counts proc-net-tcp"),
#              BENCH_KO (the module to load; default: a build of this tree),
#              BENCH_OUT (default .build/bench)
#
# Under TCG every instruction is emulated: absolute times are far slower
# than on hardware, but the ratios between readers are what matter.
set -euo pipefail
cd "$(dirname "$0")/../.."
# Standalone (make bench, ...) too: what it needs, quick if all is there.
tests/deps.sh >/dev/null
source tests/kernels.sh

kver=${1:-${TCPS_KERNELS[6.12]}}
sizes=${SIZES:-1000 10000 100000}
sizes=$(echo $sizes)
reps=${REPS:-5}
tw=10000
out=${BENCH_OUT:-.build/bench}
mkdir -p "$out"
export VM_MEM=${VM_MEM:-6144}

make --no-print-directory -s KVER="$kver" >"$out/bench-build.log" 2>&1 ||
	{ cat "$out/bench-build.log"; exit 1; }
for p in mksockets benchtime; do
	gcc -O2 -Wall -Wextra -static -o "$out/$p" "tests/bench/$p.c"
done
# GNU cat under another name: as /bin/cat it would replace busybox's.
cp -L /bin/cat "$out/gnucat"
extra=("$out/gnucat")
! strace=$(command -v strace) || extra+=("$strace")

# The -p readers scan every descriptor of the process holding the
# sockets: tens of seconds each at 100k pairs, so only when ONLY asks.
default_only="tcpstates-1M tcpstates-4K counts proc-net-tcp proc-net-tcp-4K"
default_only+=" ss-tan ss-s netstat-tan exec-true tcpstates-tan"
default_only+=" cat-busybox cat-gnu cat-proc-net-tcp"

# The guest half: "<pairs> <sockets> <reader> <min ms> <median ms> <bytes>"
# lines in a bench section; <sockets> is the Total of the counts view.
cat >"$out/bench-guest.sh" <<EOF
#!/bin/sh
reps=$reps
sizes="$sizes"
only="${ONLY:-$default_only}"
echo 4096 >/proc/sys/net/core/somaxconn
echo "# \$(uname -r), \$(nproc) CPUs, \$(awk '/MemTotal/ { print \$2 / 1024 " MiB" }' /proc/meminfo)" >&3
echo "# tcp_ehash_entries \$(cat /proc/sys/net/ipv4/tcp_ehash_entries)" >&3
# The counts view keeps its counts once a walk of the init netns, quiet
# at boot, seeded them (module/kept.c): before the load begins, which
# never stops (timewait sockets end and come all the time).
i=0
until head -n 1 /proc/tcpstates_counts | grep -q ' (kept)\$' || [ \$i -ge 120 ]; do
	sleep 0.5
	i=\$((i + 1))
done
echo "# counts view: \$(head -n 1 /proc/tcpstates_counts | sed 's/.* (/(/')" >&3
# The load on CPU 1, the readers on CPU 0.
taskset 2 mksockets tw $tw &
start=\$(cut -d. -f1 /proc/uptime)
taskset 2 mksockets hold /tmp $sizes &
hold=\$!
first=\${sizes%% *}
while [ ! -e /tmp/ready.\$first ] && kill -0 \$hold 2>/dev/null; do sleep 0.2; done
# Without inet_diag + tcp_diag, ss silently parses /proc/net/tcp: its
# -i details (rcv_space, mss) come only from the netlink answer.
if ss -tanHi state established 2>/dev/null | head -n 4 | grep -q "rcv_space:\|mss:"; then
	echo "ok bench-ss-netlink" >&3
else
	echo "not ok bench-ss-netlink ss fell back to /proc/net/tcp" >&3
fi
echo "BEGIN bench" >&3
for size in $sizes; do
	while [ ! -e /tmp/ready.\$size ]; do
		kill -0 \$hold 2>/dev/null || { echo "# mksockets died" >&3; break 2; }
		sleep 0.2
	done
	# TIME_WAIT is steady once the first 60 s have passed.
	while [ \$((\$(cut -d. -f1 /proc/uptime) - start)) -lt 62 ]; do sleep 1; done
	r=\$reps
	[ \$size -le 50000 ] || r=\$(( reps < 3 ? reps : 3 ))
	n=\$(awk '\$1 == "Total" { print \$2 }' /proc/tcpstates_counts)
	m() {
		name=\$1
		shift
		case " \$only " in *" \$name "*) ;; *) return ;; esac
		echo "\$size \$n \$name \$(taskset 1 benchtime \$r "\$@")" >&3
	}
	m tcpstates-1M read 1048576 /proc/tcpstates
	m tcpstates-4K read 4096 /proc/tcpstates
	m cat-busybox exec busybox cat /proc/tcpstates
	m cat-busybox-pipe exec sh -c "busybox cat /proc/tcpstates | busybox cat"
	m cat-gnu exec gnucat /proc/tcpstates
	m cat-proc-net-tcp exec busybox cat /proc/net/tcp /proc/net/tcp6
	m counts read 4096 /proc/tcpstates_counts
	m proc-net-tcp read 1048576 /proc/net/tcp /proc/net/tcp6
	m proc-net-tcp-4K read 4096 /proc/net/tcp /proc/net/tcp6
	m ss-tan exec ss -tan
	m ss-s exec ss -s
	m netstat-tan exec netstat -tan
	m exec-true exec true
	m tcpstates-tan exec tcpstates-static -tan
	m tcpstates-tanp exec tcpstates-static -tanp
	m ss-tanp exec ss -tanp
	m netstat-tanp exec netstat -tanp
	if command -v strace >/dev/null; then
		for c in "busybox cat /proc/tcpstates" "gnucat /proc/tcpstates" \
			"busybox cat /proc/net/tcp"; do
			strace -c -o /tmp/st \$c >/dev/null
			awk -v c="\$c" -v s=\$size '\$NF ~ /^(read|sendfile|splice)\$/ {
				printf "# strace %s pairs: %s: %s %s calls%s\\n", s, c,
					\$NF, \$4, \$5 ~ /^[0-9]+\$/ ? " (" \$5 " failed)" : "" }' /tmp/st >&3
		done
	fi
	sed 's/^/# /' /proc/tcpstates_counts >&3
	kill -USR1 \$hold
done
echo "END bench rc=0" >&3
kill \$hold
EOF
chmod +x "$out/bench-guest.sh"

tests/vm/mkinitramfs.sh "$out/bench-initramfs.cpio.gz" "$kver" \
	"${BENCH_KO:-.build/tcpstates-$kver.ko}" "$out/bench-guest.sh" \
	"$out/mksockets" "$out/benchtime" tools/tcpstates-static "${extra[@]}" \
	>"$out/bench-initramfs.log" 2>&1 ||
	{ cat "$out/bench-initramfs.log"; exit 1; }
echo "# booting $kver under QEMU TCG, ${VM_MEM} MiB: pairs $sizes + $tw TIME_WAIT"
tests/vm/run-vm.sh "$kver" "$out/bench-initramfs.cpio.gz" \
	"$out/bench-result.txt" "$out/bench-console.log" "${VM_TIMEOUT:-1200}" ||
	true
if ! tests/vm/verdict.sh "$out/bench-result.txt" "$out/bench-console.log" \
	>"$out/bench-verdict.log"; then
	cat "$out/bench-verdict.log"
	! grep -q "^not ok bench-ss-netlink" "$out/bench-result.txt" ||
		echo "bench: FAILED: ss read /proc/net/tcp, not netlink (inet_diag, tcp_diag not loaded?): no ss-* time is valid"
	exit 1
fi

python3 - "$out" "$kver" <<'EOF'
import collections
import datetime
import sys

out, kver = sys.argv[1:]
# bench.dat's columns (the plot's first eight): new readers go last.
order = ["tcpstates-1M", "tcpstates-4K", "counts", "proc-net-tcp",
         "proc-net-tcp-4K", "ss-tan", "ss-s", "netstat-tan", "exec-true",
         "tcpstates-tan", "tcpstates-tanp", "ss-tanp", "netstat-tanp",
         "cat-busybox", "cat-busybox-pipe", "cat-gnu", "cat-proc-net-tcp"]
# The table's rows: each cat beside the read() loops it is compared with.
rows = order[:2] + order[-4:] + order[2:-4]
data = collections.defaultdict(dict)    # pairs -> reader -> (min, med)
sockets = {}
comments, inside = [], False
for line in open(f"{out}/bench-result.txt", errors="replace"):
    line = line.strip()
    if line.startswith("# "):
        comments.append(line[2:])
    if line == "ok bench-ss-netlink":
        comments.append("ss reads over netlink (inet_diag, tcp_diag)")
    if line == "BEGIN bench":
        inside = True
    elif line.startswith("END bench"):
        inside = False
    elif inside and not line.startswith("#"):
        pairs, n, name, lo, med, _ = line.split()
        data[int(pairs)][name] = (float(lo), float(med))
        sockets[int(pairs)] = int(n)

lines = [f"kernel {kver} under QEMU TCG, "
         f"{datetime.date.today().isoformat()}: median ms (ratio to "
         "proc-net-tcp)"]
lines += [f"  {c}" for c in comments
          if c.startswith(("6.", "7.", "tcp_ehash", "ss reads",
                                      "counts view", "tcpstates 2"))]
head = f"{'reader':<16}" + "".join(
    f"{f'{p} pairs, {sockets[p]} sockets':>30}" for p in sorted(data))
lines.append(head)
for name in rows:
    if not any(name in data[p] for p in data):
        continue
    row = f"{name:<16}"
    for p in sorted(data):
        if name not in data[p]:
            row += f"{'-':>30}"
            continue
        med = data[p][name][1]
        base = data[p].get("proc-net-tcp", (0, 0))[1]
        row += f"{med:>20.2f} ({med / base if base else 0:6.3f})"
    lines.append(row)
per = []
for p in sorted(data):
    med = data[p].get("tcpstates-1M", (0, 0))[1]
    per.append(f"{sockets[p]}: {1000 * med / sockets[p]:.2f} us")
lines.append("tcpstates-1M per socket: " + ", ".join(per))
# The issue's goals: cat /proc/tcpstates at most a quarter of cat
# /proc/net/tcp /proc/net/tcp6, and a tenth of ss -tan.
for p in sorted(data):
    d = {k: v[1] for k, v in data[p].items()}
    for cat in ("cat-busybox", "cat-gnu", "tcpstates-1M"):
        if cat not in d:
            continue
        goals = []
        for base, goal in (("cat-proc-net-tcp", 0.25), ("ss-tan", 0.1)):
            if d.get(base):
                r = d[cat] / d[base]
                goals.append(f"/ {base} {r:.3f} (goal <= {goal}: "
                             f"{'met' if r <= goal else 'NOT met'})")
        lines.append(f"{p} pairs: {cat} {'; '.join(goals)}")
lines += [f"  {c}" for c in comments if c.startswith("strace ")]
text = "\n".join(lines) + "\n"
print(text, end="")
open(f"{out}/bench.txt", "w").write(text)

with open(f"{out}/bench.dat", "w") as f:
    f.write("sockets " + " ".join(order) + "\n")
    for p in sorted(data):
        f.write(f"{sockets[p]} " + " ".join(
            str(data[p].get(n, (0, 0))[1]) for n in order) + "\n")
EOF

if command -v gnuplot >/dev/null; then
	# A tick at each measured size.
	xtics=$(awk 'NR > 1 { printf "%s%s", s, $1; s = ", " }' "$out/bench.dat")
	gnuplot <<EOF
set terminal pngcairo size 760,420 font ",10"
set output "$out/bench.png"
set title "Reading all TCP sockets, $kver under QEMU TCG (median of runs)"
set xlabel "TCP sockets in the netns"
set ylabel "ms per full read"
set logscale xy
set autoscale xfix
set xtics ($xtics)
set key outside right
set grid
plot for [i=2:9] "$out/bench.dat" using 1:i with linespoints \
	title columnhead(i)
EOF
	echo "# plot: $out/bench.png"
else
	echo "# gnuplot not installed: no plot"
fi
