/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A socket's two addresses as the rows and the log show them, for full,
 * request and timewait sockets alike (all start with sock_common).
 */
#ifndef _TCPS_SOCK_ADDRS_H
#define _TCPS_SOCK_ADDRS_H

#include <net/ipv6.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "tcpstates.h"

/*
 * Fill @src and @dst from @sk; return its family.  An IPv4 SYN to a
 * dual-stack IPv6 listener makes an AF_INET6 request socket set up by the
 * IPv4 ops: its addresses are the IPv4 fields, written by
 * tcp_v4_init_req() with sk_rcv_saddr_set() and sk_daddr_set(), which
 * also write the v4-mapped IPv6 fields on every kernel this builds for.
 * Show the mapped IPv4 fields, what the child socket will have, and do
 * not depend on that helper detail: an unwritten IPv6 field would hold
 * whatever the slab object held before (init_on_alloc=0).
 */
static inline u8 tcps_sock_addrs(const struct sock *sk, union tcps_addr *src,
				 union tcps_addr *dst)
{
	if (sk->sk_family != AF_INET6) {
		src->v4 = sk->sk_rcv_saddr;
		dst->v4 = sk->sk_daddr;
	} else if (READ_ONCE(sk->sk_state) == TCP_NEW_SYN_RECV &&
		   inet_reqsk(sk)->rsk_ops->family == AF_INET) {
		ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, &src->v6);
		ipv6_addr_set_v4mapped(sk->sk_daddr, &dst->v6);
	} else {
		src->v6 = sk->sk_v6_rcv_saddr;
		dst->v6 = sk->sk_v6_daddr;
	}
	return sk->sk_family;
}

#endif /* _TCPS_SOCK_ADDRS_H */
