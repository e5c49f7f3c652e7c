/* SPDX-License-Identifier: GPL-2.0 */
/*
 * When a socket's retransmit (or zero-window probe) timer fires, in
 * jiffies: icsk->icsk_timeout on 6.x, the timer's own expiry from 7.x
 * (module/conftest/icsk_timeout.c, tcp_timeout_expires.c).  Read without
 * the socket lock, as /proc/net/tcp reads it.
 */
#ifndef _TCPS_COMPAT_TIMER_H
#define _TCPS_COMPAT_TIMER_H

#include <net/inet_connection_sock.h>

static inline unsigned long tcps_retransmit_expires(const struct sock *sk)
{
#ifdef TCPS_HAVE_TCP_TIMEOUT_EXPIRES
	return tcp_timeout_expires(sk);
#else
	return READ_ONCE(inet_csk(sk)->icsk_timeout);
#endif
}

#endif /* _TCPS_COMPAT_TIMER_H */
