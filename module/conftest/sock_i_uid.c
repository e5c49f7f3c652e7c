// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): sock_i_uid(), the
 * owner's UID under sk_callback_lock, up to 6.x.
 */
#include <net/sock.h>

kuid_t tcps_conftest(struct sock *sk);
kuid_t tcps_conftest(struct sock *sk)
{
	return sock_i_uid(sk);
}
