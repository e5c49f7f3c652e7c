#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The uapi name list, compiled as C90 and printed, must be the net-tools
# names at the ids of include/net/tcp_states.h (checked here against the
# kernel headers themselves, an independent source of the ids).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/names.c" <<'C'
#include <stdio.h>
#include <linux/tcpstates.h>

static const char *const names[] = TCPS_STATE_NAMES;

int main(void)
{
	int id;

	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		printf("%d %s\n", id, names[id]);
	return (int)(sizeof(names) / sizeof(names[0])) != TCPS_STATE_SLOTS;
}
C
gcc -std=c90 -pedantic -Wall -Wextra -Werror -Iuapi -o "$tmp/names" "$tmp/names.c"
"$tmp/names" >"$tmp/got"

# The kernel's enum, numbered the way the compiler would number it.
hdr=$(ls -d /usr/src/linux-headers-*-common | head -n 1)/include/net/tcp_states.h
awk '/^enum {/ { on = 1; n = 0; next } on && /TCP_MAX_STATES/ { exit }
	on && match($0, /TCP_[A-Z_0-9]+/) {
		name = substr($0, RSTART + 4, RLENGTH - 4)
		if (match($0, /= *[0-9]+/)) n = substr($0, RSTART + 1, RLENGTH - 1) + 0
		if (name != "NEW_SYN_RECV" && name != "BOUND_INACTIVE") print n, name
		n++ }' "$hdr" >"$tmp/want"
[ "$(wc -l <"$tmp/want")" -eq 11 ] || { echo "could not read $hdr" >&2; exit 1; }
diff -u "$tmp/want" "$tmp/got"
