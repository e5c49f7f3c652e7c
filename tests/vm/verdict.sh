#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Judge one guest run from its two serial captures.
#
# usage: [VM_TAG=6.12] verdict.sh RESULT_FILE CONSOLE_LOG
#
# RESULT_FILE (ttyS1) holds "ok NAME", "not ok NAME [REASON]", "# comment"
# lines, raw data blocks from "BEGIN NAME" to "END NAME ..." (skipped here;
# other checkers parse them) and, last, "TCPSTATES-HARNESS-DONE rc=N"
# written by the guest's init. The harness adds its own verdicts:
#   not ok  when the DONE line is missing (panic, hang, timeout)
#   not ok  when the test script's rc is not 0
#   not ok  when the console shows a kernel problem (BUG, WARNING, ...)
#   ok      when none of those three happened
# Any other non-empty line outside a section is a protocol error and counts
# as a failure.
#
# Prints every result, then a last line "passed=N failed=M" for callers to
# add up; exits 0 if nothing failed, 1 otherwise.
set -euo pipefail

[ $# -eq 2 ] || { echo "usage: $0 RESULT_FILE CONSOLE_LOG" >&2; exit 2; }
result_file=$1 console_file=$2
tag=${VM_TAG:+[$VM_TAG] }

passed=0 failed=0
pass() { echo "${tag}ok $*"; passed=$((passed + 1)); }
fail() { echo "${tag}not ok $*"; failed=$((failed + 1)); }
# Indent evidence (console lines) as TAP-style comments.
quote() { awk -v p="$tag#   " '{ print p $0 }'; }

# The guest's ttys turn "\n" into "\r\n", and boot firmware writes escape
# sequences; drop carriage returns and other control characters but tabs.
clean() {
	[ -f "$1" ] || return 0
	LC_ALL=C tr -d '\000-\010\013-\037\177' <"$1"
}

results=$(clean "$result_file")
console=$(clean "$console_file")

done_rc=
section=
while IFS= read -r line; do
	# Data inside a section may look like anything; only its END counts.
	if [ -n "$section" ]; then
		case "$line" in
		"END $section" | "END $section "*) section= ;;
		"TCPSTATES-HARNESS-DONE rc="*) done_rc=${line#*rc=} ;;
		esac
		continue
	fi
	case "$line" in
	"BEGIN "?*) section=${line#BEGIN } done_rc= ;;
	"ok "?* | "not ok "?*)
		# The guest wrote more results after a DONE line: that DONE was
		# not the last word of init, so do not trust it.
		done_rc=
		case "$line" in
		ok*) pass "${line#ok }" ;;
		*) fail "${line#not ok }" ;;
		esac
		;;
	"TCPSTATES-HARNESS-DONE rc="*) done_rc=${line#*rc=} ;;
	"#"*) echo "$tag$line" ;;
	"") ;;
	*) done_rc= ; fail "harness-protocol unexpected result line: $line" ;;
	esac
done <<<"$results"
# A section cut short means the guest died while writing it; that is
# reported below as a missing DONE unless init somehow still finished.
[ -z "$section" ] || [ -z "$done_rc" ] || fail "harness-protocol section '$section' has no END line"

# One report is QEMU's, not the kernel's: under TCG, a PREEMPT_RT kernel's
# threaded 8250 handler can lag its UART's transmit interrupts until the
# kernel calls the line spurious ("irq 3: nobody cared", with a trace) and
# polls the port instead; the results still arrive whole.  Such a block,
# from that line to "Disabling IRQ #N", is set aside when its handler is
# the 8250's, and said as a comment; any other spurious IRQ still fails.
all_console_irqs=$(grep -c 'nobody cared' <<<"$console" || true)
console=$(awk '
	/irq [0-9]+: nobody cared/ { held = $0 "\n"; on = 1; next }
	on { held = held $0 "\n" }
	on && /Disabling IRQ #[0-9]+/ {
		on = 0
		if (held !~ /serial8250_interrupt/) printf "%s", held
		next
	}
	!on { print }
	END { if (on) printf "%s", held }' <<<"$console")
serial_irq=$((all_console_irqs - $(grep -c 'nobody cared' <<<"$console" || true)))
[ "$serial_irq" -eq 0 ] ||
	echo "$tag# console: the serial port's IRQ was called spurious $serial_irq time(s) (QEMU TCG and a threaded 8250 handler), set aside"
problems=$(grep -E 'BUG:|WARNING:|Oops|Kernel panic|KASAN|possible circular|suspicious RCU usage|self-detected stall|detected stalls|rcu: INFO|soft lockup|blocked for more than|general protection|Call Trace' <<<"$console" || true)

clean_run=yes
if [ -z "$done_rc" ]; then
	clean_run=no
	fail "harness-done guest did not finish (crash, panic or timeout); last console lines:"
	if [ -n "$console" ]; then tail -n 30 <<<"$console" | quote; else echo "$tag#   (console log empty or missing)"; fi
elif [ "$done_rc" != 0 ]; then
	clean_run=no
	fail "harness-rc test script exited with rc=$done_rc"
fi
if [ -n "$problems" ]; then
	clean_run=no
	fail "harness-console kernel problems on the console:"
	quote <<<"$problems"
fi
[ "$clean_run" = no ] || pass "harness-clean guest booted and finished cleanly"

echo "passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
