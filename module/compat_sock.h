/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The owner's UID of a socket, as the kernel's own /proc/net/tcp prints
 * it: sk_uid() where it exists (7.x: read without a lock, and an orphan
 * keeps its owner's UID), else sock_i_uid() (6.x: under sk_callback_lock,
 * root once the socket is orphaned).  Call it with a reference held.
 */
#ifndef _TCPS_COMPAT_SOCK_H
#define _TCPS_COMPAT_SOCK_H

#include <net/sock.h>

static inline kuid_t tcps_sock_uid(struct sock *sk)
{
#ifdef TCPS_HAVE_SK_UID
	return sk_uid(sk);
#else
	return sock_i_uid(sk);
#endif
}

#endif /* _TCPS_COMPAT_SOCK_H */
