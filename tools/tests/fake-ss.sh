#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# A stand-in for ss(8), to test guest.sh on the host: answers
# "ss -tanH state WORD" from $FAKE_SS_DATA, a hand-written "ss -tanH"
# listing, as iproute2's ss does: the rows of that state, without the
# State column (ss drops it when one state is asked for).
set -eu
if [ $# -ne 3 ] || [ "$1" != -tanH ] || [ "$2" != state ]; then
	echo "fake-ss: only 'ss -tanH state WORD' is faked, not: $*" >&2
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
