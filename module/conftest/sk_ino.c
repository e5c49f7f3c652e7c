// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): sk->sk_ino, the
 * socket's inode number kept in the sock and read without a lock (7.x),
 * where sock_i_ino() used to take sk_callback_lock.
 */
#include <net/sock.h>

u64 tcps_conftest(const struct sock *sk);
u64 tcps_conftest(const struct sock *sk)
{
	return READ_ONCE(sk->sk_ino);
}
