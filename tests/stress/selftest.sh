#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Checks the checker: "tcpstress read" must pass the valid fixture, with
# any buffer sizes and through a held fd, and must catch every corrupted
# fixture for the right reason.  Needs no module and no root.
#
# usage: tests/stress/selftest.sh
# Prints ok / not ok lines, then "passed=N failed=M"; exits 1 on a failure.

here=$(cd "$(dirname "$0")" && pwd)
bin=$here/tcpstress
fx=$here/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

pass() {
	echo "ok $*"
	passed=$((passed + 1))
}

fail() {
	echo "not ok $*"
	failed=$((failed + 1))
	sed 's/^/#   /' "$tmp/err" | head -n 5
}

# run FIXTURE [OPTION...]: one read of FIXTURE; the verdict line in $tmp/out.
run() {
	f=$1
	shift
	"$bin" read --seconds 0 --any-netns --file "$fx/$f" "$@" \
		</dev/null >"$tmp/out" 2>"$tmp/err"
}

# good NAME FIXTURE [OPTION...]: read must exit 0 with bad=0 and 3 rows a read.
good() {
	name=$1
	shift
	run "$@"
	rc=$?
	line=$(cat "$tmp/out")
	case "$rc $line" in
	"0 read reads=1 rows=3 bad=0 "* | "0 read reads=2 rows=6 bad=0 "*)
		pass "$name: $line" ;;
	*) fail "$name: rc=$rc $line" ;;
	esac
}

# bad FIXTURE REASON: read must exit 1, count one bad read and say REASON.
bad() {
	run "$1"
	rc=$?
	if [ $rc -eq 1 ] && grep -q ' bad=1 ' "$tmp/out" &&
		grep -qF -- "$2" "$tmp/err"; then
		pass "$1 is caught: $2"
	else
		fail "$1 is caught: $2 (rc=$rc, $(cat "$tmp/out"))"
	fi
}

if ! make -s -C "$here" >"$tmp/err" 2>&1; then
	fail "tcpstress builds"
	echo "passed=$passed failed=$failed"
	exit 1
fi
pass "tcpstress builds"

good "valid fixture, default buffer sizes" valid.txt
good "valid fixture, 1-byte reads" valid.txt --bufsizes 1
good "valid fixture, 1,7,100 byte reads and a held fd" valid.txt \
	--bufsizes 1,7,100 --hold-open

while IFS='|' read -r f why; do
	bad "$f" "$why"
done <<EOF
bad-counter.txt|line 13: TIME_WAIT counter 2, but 1 rows
bad-total.txt|line 19: Total 4, but 3 rows
missing-counter.txt|line 18: not the counter of CLOSING
bad-state.txt|line 3: unknown state 'LISTENING'
bad-address.txt|line 3: local address '127.0.0.256' is not an IPv4 address
noncanonical-address.txt|line 4: local address '0:0:0:0:0:0:0:1' is not canonical
ipv4-in-tcp6.txt|line 4: local address '127.0.0.1:6001' of a tcp6 row is not [IPv6]:port
bad-port.txt|line 3: local port '500x' is neither * nor 1..65535
listen-with-peer.txt|line 3: a LISTEN row with a foreign endpoint
bad-version.txt|line 1: title is not
truncated.txt|line 14: read ends where CLOSE should be (truncated)
truncated-mid-line.txt|line 19: no newline at the end of the read
duplicate-row.txt|connection shown twice: tcp6 [::ffff:127.0.0.1]:8080
bad-timer.txt|line 3: Timer 'off(0.0/0/0)' is not name(seconds/retransmits/probes)
bad-idle.txt|line 5: a TIME_WAIT row with idle times '1.000/2.000'
EOF

# The whole bad read is shown, to judge it later from the log alone.
run bad-counter.txt
if grep -q '^----- begin bad read (822 bytes) -----$' "$tmp/err" &&
	grep -q '^Total             3$' "$tmp/err"; then
	pass "a bad read is shown whole on stderr"
else
	fail "a bad read is shown whole on stderr"
fi

# Another namespace's file is wrong unless --any-netns says otherwise.
"$bin" read --seconds 0 --file "$fx/valid.txt" </dev/null >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 1 ] && grep -q 'net namespace 4026531840, but the reader is in' "$tmp/err"; then
	pass "a read of another net namespace is caught"
else
	fail "a read of another net namespace is caught"
fi

# An empty read is what a file whose module is gone may give: stale.
run empty.txt
if [ $? -eq 0 ] && grep -q ' bad=0 stale_reads=1 ' "$tmp/out"; then
	pass "an empty read counts as stale, not bad"
else
	fail "an empty read counts as stale, not bad ($(cat "$tmp/out"))"
fi

# A missing file (module unloaded) is waited for until the deadline.
"$bin" read --seconds 1 --file "$tmp/absent" </dev/null >"$tmp/out" 2>"$tmp/err"
if [ $? -eq 0 ] && grep -Eq '^read reads=0 rows=0 bad=0 stale_reads=0 absent_opens=[1-9]' "$tmp/out"; then
	pass "an absent file is retried and counted: $(cat "$tmp/out")"
else
	fail "an absent file is retried and counted ($(cat "$tmp/out"))"
fi

echo "passed=$passed failed=$failed"
[ "$failed" -eq 0 ]
