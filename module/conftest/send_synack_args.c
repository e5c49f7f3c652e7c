// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): the prototype the
 * request hook relies on, a SYN-ACK sender (tcp_v4_send_synack() and
 * tcp_v6_send_synack(), the af_ops->send_synack of TCP's request socket
 * ops) taking (listener, route, flow, request, ...), the same from 6.1
 * to 7.3.  The hook reads the first, second and fourth.
 */
#include <linux/build_bug.h>
#include <net/tcp.h>

typedef int (*tcps_send_synack_t)(const struct sock *, struct dst_entry *,
				  struct flowi *, struct request_sock *,
				  struct tcp_fastopen_cookie *,
				  enum tcp_synack_type, struct sk_buff *);

static_assert(__builtin_types_compatible_p(typeof(((struct tcp_request_sock_ops *)0)->send_synack),
					   tcps_send_synack_t));
