// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): tcp_timeout_expires(),
 * when the retransmit or zero-window probe timer of a socket fires (7.x,
 * where icsk->icsk_timeout gave way to the timer's own expiry).
 */
#include <net/inet_connection_sock.h>

unsigned long tcps_conftest(const struct sock *sk);
unsigned long tcps_conftest(const struct sock *sk)
{
	return tcp_timeout_expires(sk);
}
