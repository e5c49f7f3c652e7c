// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): the prototype the
 * request hook relies on, inet_csk_reqsk_queue_hash_add() returning bool
 * (false: a duplicate was hashed first), with the listener and the
 * request socket as its first two arguments: (sk, req, timeout) up to
 * 6.x, (sk, req) from 7.x.  Kernels where it returned void (before the
 * fix backported to 6.1.y) fail this test.
 */
#include <linux/build_bug.h>
#include <net/inet_connection_sock.h>

static_assert(__builtin_types_compatible_p(typeof(inet_csk_reqsk_queue_hash_add),
					   bool (struct sock *, struct request_sock *,
						 unsigned long)) ||
	      __builtin_types_compatible_p(typeof(inet_csk_reqsk_queue_hash_add),
					   bool (struct sock *, struct request_sock *)));
