// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): icsk->icsk_timeout,
 * when the retransmit or zero-window probe timer fires (6.x).
 */
#include <net/inet_connection_sock.h>

unsigned long tcps_conftest(const struct inet_connection_sock *icsk);
unsigned long tcps_conftest(const struct inet_connection_sock *icsk)
{
	return READ_ONCE(icsk->icsk_timeout);
}
