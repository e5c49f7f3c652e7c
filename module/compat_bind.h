/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The sockets bound to one bhash2 bucket (struct inet_bind2_bucket's
 * owners): linked through sk_bind2_node on 6.1 to 6.7, through
 * sk_bind_node since (module/conftest/sk_bind2_node.c).  Timewait sockets
 * are owners too on the later kernels: callers look at the state.
 */
#ifndef _TCPS_COMPAT_BIND_H
#define _TCPS_COMPAT_BIND_H

#include <net/sock.h>

#ifdef TCPS_HAVE_SK_BIND2_NODE
#define tcps_for_each_bound2(sk, tb2) \
	hlist_for_each_entry(sk, &(tb2)->owners, sk_bind2_node)
#else
#define tcps_for_each_bound2(sk, tb2) \
	hlist_for_each_entry(sk, &(tb2)->owners, sk_bind_node)
#endif

#endif /* _TCPS_COMPAT_BIND_H */
