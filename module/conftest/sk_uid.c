// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): sk_uid(), the owner's
 * UID read without a lock, which replaced sock_i_uid() in 7.x.
 */
#include <net/sock.h>

kuid_t tcps_conftest(const struct sock *sk);
kuid_t tcps_conftest(const struct sock *sk)
{
	return sk_uid(sk);
}
