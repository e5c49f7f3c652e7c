// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): sk->sk_bind2_node, the
 * link of a socket in its bhash2 bucket's owners (6.1 to 6.7).  Later
 * kernels link owners through sk_bind_node; the test failing means that.
 */
#include <net/sock.h>

struct hlist_node *tcps_conftest(struct sock *sk);
struct hlist_node *tcps_conftest(struct sock *sk)
{
	return &sk->sk_bind2_node;
}
