#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A stand-in for ss(8), to test guest.sh on the host: answers
# "ss -tanH state WORD" from $FAKE_SS_DATA, a hand-written "ss -tanH"
# listing, as iproute2's ss does: the rows of that state, without the
# State column (ss drops it when one state is asked for); and "ss
# FLAGS", with it.
set -eu

# A separate -o (timers) changes nothing this fake prints.
for a in "$@"; do
	shift
	[ "$a" = -o ] || set -- "$@" "$a"
done

# "ss FLAGS [inet6]" as guest.sh runs it: ss's own rules, written out
# for the flags it uses.  Without -a or -l, ss shows all but LISTEN,
# UNCONN, TIME-WAIT and SYN-RECV; -a all; -l LISTEN and UNCONN.  -4 and
# -6 (or -f) keep one family: an IPv4 local address has no '[', and
# "*" is ss's way to write a dual-stack (IPv6) socket's [::].
if [ $# -le 2 ] && [ "${1#-}" != "$1" ]; then
	states=" ESTAB SYN-SENT FIN-WAIT-1 FIN-WAIT-2 CLOSE-WAIT LAST-ACK CLOSING "
	case $1 in *a*) states=all ;; esac
	case $1 in *l*) states=" LISTEN UNCONN " ;; esac
	family=any
	case $1 in *4*) family=4 ;; *6*) family=6 ;; esac
	[ "${2:-}" = inet6 ] && family=6
	awk -v states="$states" -v family="$family" '
	states != "all" && index(states, " " $1 " ") == 0 { next }
	{ v6 = index($4, "[") || substr($4, 1, 1) == "*" }
	family == 4 && v6 { next }
	family == 6 && !v6 { next }
	{ printf "%-10s %-6s %-6s %30s %30s\n", $1, $2, $3, $4, $5 }' \
		"$FAKE_SS_DATA"
	exit 0
fi
if [ $# -ne 3 ] || [ "$1" != -tanH ] || [ "$2" != state ]; then
	echo "fake-ss: only 'ss -tanH state WORD' and 'ss FLAGS' are faked, not: $*" >&2
	exit 2
fi
# ss's filter words and the state labels it prints (iproute2 misc/ss.c):
# the oracle's own vocabulary, deliberately not taken from tcpstates.
case $3 in
established) label=ESTAB ;;
syn-sent) label=SYN-SENT ;;
syn-recv) label=SYN-RECV ;;
fin-wait-1) label=FIN-WAIT-1 ;;
fin-wait-2) label=FIN-WAIT-2 ;;
time-wait) label=TIME-WAIT ;;
closed) label=UNCONN ;;
close-wait) label=CLOSE-WAIT ;;
last-ack) label=LAST-ACK ;;
listening) label=LISTEN ;;
closing) label=CLOSING ;;
*) echo "ss: wrong state name: $3" >&2; exit 255 ;;
esac
awk -v label="$label" '$1 == label {
	printf "%-6s %-6s %30s %30s\n", $2, $3, $4, $5
}' "$FAKE_SS_DATA"
