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
# The request hook's feature test (module/conftest/reqsk_hash_add_bool.c)
# against a stub header with each prototype: it must accept exactly the
# bool-returning ones whose return value the kretprobe reads.
mkdir -p "$stub/net"
printf '#define static_assert(e) _Static_assert(e, #e)\n' >"$stub/linux/build_bug.h"
# reqsk PROTOTYPE: "ok" if the feature test compiles with it.
reqsk() {
	printf '#include <stdbool.h>\nstruct sock;\nstruct request_sock;\n%s;\n' \
		"$1" >"$stub/net/inet_connection_sock.h"
	gcc -fsyntax-only -I"$stub" module/conftest/reqsk_hash_add_bool.c \
		>/dev/null 2>&1 && echo ok || echo fails
}
# want ok|fails PROTOTYPE
want() {
	local got
	got=$(reqsk "$2")
	if [ "$got" = "$1" ]; then
		echo "ok reqsk_hash_add_bool.c $1 with: $2"
	else
		echo "not ok reqsk_hash_add_bool.c $got with: $2 (want $1)"
		fails=$((fails + 1))
	fi
}
p='inet_csk_reqsk_queue_hash_add(struct sock *sk, struct request_sock *req'
want ok "bool $p, unsigned long timeout)"
want ok "bool $p)"
want fails "void $p, unsigned long timeout)"
want fails "int $p, unsigned long timeout)"
want fails "bool inet_csk_reqsk_queue_hash_add(struct request_sock *req, struct sock *sk)"

[ "$fails" -eq 0 ]
