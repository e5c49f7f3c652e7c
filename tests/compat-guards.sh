#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# module/compat.h's guards, each tripped on its own: with every feature
# the feature tests can report it is silent, and without one it stops the
# build with an #error naming what is missing.  The TCPS_HAVE_* flags are
# what Kbuild's feature tests (module/conftest/) would give; linux/kconfig.h
# is a stub here, so only the config and feature flags below decide.
set -euo pipefail
cd "$(dirname "$0")/.."

stub=$(mktemp -d)
trap 'rm -rf "$stub"' EXIT
mkdir -p "$stub/linux"
echo '#define IS_ENABLED(option) 1' >"$stub/linux/kconfig.h"

all=(-DCONFIG_64BIT -DTCPS_HAVE_PERNET_HASHINFO -DTCPS_HAVE_KERNEL_TRACEPOINTS
	-DTCPS_HAVE_SK_UID -DTCPS_HAVE_SOCK_I_UID -DTCPS_HAVE_LINUX_HEX_H
	-DTCPS_HAVE_KERNEL_HEX_ASC -DTCPS_HAVE_TCP_TIMEOUT_EXPIRES
	-DTCPS_HAVE_ICSK_TIMEOUT)
fails=0

# compat WITHOUT...: compat.h's diagnostics with all flags but WITHOUT.
compat() {
	local f w keep=()
	for f in "${all[@]}"; do
		for w in "$@"; do [ "$f" = "$w" ] && continue 2; done
		keep+=("$f")
	done
	gcc -fsyntax-only -fno-diagnostics-show-caret -I"$stub" "${keep[@]}" -x c module/compat.h 2>&1 || true
}
# expect TEXT WITHOUT...: the only error is the one naming TEXT ("" none).
expect() {
	local want=$1 out
	shift
	out=$(compat "$@" | grep -E 'error' || true)
	if [ -z "$want" ] && [ -z "$out" ]; then
		echo "ok without ${*:-nothing}: no error"
	elif [ -n "$want" ] && [ "$(grep -c . <<<"$out")" = 1 ] &&
		grep -qF -- "$want" <<<"$out"; then
		echo "ok without $*: $want"
	else
		echo "not ok without ${*:-nothing}: want '${want:-no error}', got: $out"
		fails=$((fails + 1))
	fi
}

expect ""
expect "needs a 64-bit kernel" -DCONFIG_64BIT
expect "missing: net->ipv4.tcp_death_row.hashinfo" -DTCPS_HAVE_PERNET_HASHINFO
expect "missing: for_each_kernel_tracepoint()" -DTCPS_HAVE_KERNEL_TRACEPOINTS
# One API of a pair is enough; neither stops the build.
expect "" -DTCPS_HAVE_SK_UID
expect "" -DTCPS_HAVE_SOCK_I_UID
expect "missing: sk_uid() or sock_i_uid()" -DTCPS_HAVE_SK_UID -DTCPS_HAVE_SOCK_I_UID
expect "" -DTCPS_HAVE_LINUX_HEX_H
expect "missing: hex_asc[]" -DTCPS_HAVE_LINUX_HEX_H -DTCPS_HAVE_KERNEL_HEX_ASC
expect "" -DTCPS_HAVE_TCP_TIMEOUT_EXPIRES
expect "" -DTCPS_HAVE_ICSK_TIMEOUT
expect "missing: tcp_timeout_expires() or icsk->icsk_timeout" -DTCPS_HAVE_TCP_TIMEOUT_EXPIRES -DTCPS_HAVE_ICSK_TIMEOUT
# The request hook's feature test (module/conftest/send_synack_args.c)
# against a stub header with each prototype of the SYN-ACK sender: it
# must accept exactly the one whose arguments the hook reads.
mkdir -p "$stub/net"
printf '#define static_assert(e) _Static_assert(e, #e)\n' >"$stub/linux/build_bug.h"
# synack PARAMETERS: "ok" if the feature test compiles with them.
synack() {
	printf '%s\n' 'struct sock; struct dst_entry; struct flowi;' \
		'struct request_sock; struct tcp_fastopen_cookie; struct sk_buff;' \
		'enum tcp_synack_type { TCP_SYNACK_NORMAL };' \
		"struct tcp_request_sock_ops { int (*send_synack)($1); };" \
		>"$stub/net/tcp.h"
	gcc -fsyntax-only -I"$stub" module/conftest/send_synack_args.c \
		>/dev/null 2>&1 && echo ok || echo fails
}
# want ok|fails PARAMETERS
want() {
	local got
	got=$(synack "$2")
	if [ "$got" = "$1" ]; then
		echo "ok send_synack_args.c $1 with: $2"
	else
		echo "not ok send_synack_args.c $got with: $2 (want $1)"
		fails=$((fails + 1))
	fi
}
t='struct tcp_fastopen_cookie *foc, enum tcp_synack_type type, struct sk_buff *skb'
want ok "const struct sock *sk, struct dst_entry *dst, struct flowi *fl, struct request_sock *req, $t"
want fails "const struct sock *sk, struct flowi *fl, struct request_sock *req, $t"
want fails "const struct sock *sk, struct dst_entry *dst, struct request_sock *req, struct flowi *fl, $t"
want fails "struct request_sock *req, const struct sock *sk, struct dst_entry *dst, struct flowi *fl, $t"

[ "$fails" -eq 0 ]
