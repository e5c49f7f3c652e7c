/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The owner's UID and the inode number of a socket, as the kernel's own
 * /proc/net/tcp prints them, read in one go.  Where they are fields of
 * the sock (7.x: sk_uid(), sk->sk_ino) they are read without a lock, and
 * an orphan keeps its owner's UID; else (6.x) both come from the socket's
 * inode under sk_callback_lock, taken once here (sock_i_uid() and
 * sock_i_ino() would take it, and toggle bottom halves, once each), and
 * an orphan shows as root with inode 0.
 *
 * Call with bottom halves off (the walk holds a bucket lock with
 * spin_lock_bh()): sk_callback_lock is also taken from softirqs.
 */
#ifndef _TCPS_COMPAT_SOCK_H
#define _TCPS_COMPAT_SOCK_H

#include <linux/net.h>
#include <net/sock.h>

static inline void tcps_sock_owner(struct sock *sk, kuid_t *uid, u64 *ino)
{
#if defined(TCPS_HAVE_SK_UID) && defined(TCPS_HAVE_SK_INO)
	*uid = sk_uid(sk);
	*ino = READ_ONCE(sk->sk_ino);
#else
	struct socket *sock;

	read_lock(&sk->sk_callback_lock);
	sock = sk->sk_socket;
#ifdef TCPS_HAVE_SK_UID
	*uid = sk_uid(sk);
#else
	*uid = sock ? SOCK_INODE(sock)->i_uid : GLOBAL_ROOT_UID;
#endif
	*ino = sock ? SOCK_INODE(sock)->i_ino : 0;
	read_unlock(&sk->sk_callback_lock);
#endif
}

#endif /* _TCPS_COMPAT_SOCK_H */
