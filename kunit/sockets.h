/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helpers: real loopback TCP sockets in a netns given by the guest.
 */
#ifndef _TCPS_KUNIT_SOCKETS_H
#define _TCPS_KUNIT_SOCKETS_H

#include <kunit/test.h>
#include <linux/net.h>
#include <linux/socket.h>

#include "../module/tcpstates.h"

/* Both ends of one accepted connection, with their addresses. */
struct tcps_test_conn {
	struct socket *client;
	struct socket *server;
	struct sockaddr_storage caddr;	/* client's local end */
	struct sockaddr_storage saddr;	/* server's local end */
};

struct net *tcps_test_netns(struct kunit *test);
struct socket *tcps_test_listener(struct kunit *test, struct net *net,
				  int family, u16 port, bool reuseport,
				  u16 *bound);
struct socket *tcps_test_bound(struct kunit *test, struct net *net,
			       int family, u16 *bound);
void tcps_test_connect(struct kunit *test, struct net *net, int family,
		       struct socket *listener, u16 port,
		       struct tcps_test_conn *c);
void tcps_test_close(struct kunit *test, struct socket *sock);
unsigned int tcps_test_walk(struct kunit *test, struct net *net,
			    struct tcps_row *rows, unsigned int max);
bool tcps_test_row_is(const struct tcps_row *row,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote);
const struct tcps_row *tcps_test_wait_row(struct kunit *test,
					  struct net *net,
					  const struct sockaddr_storage *local,
					  const struct sockaddr_storage *remote,
					  u8 state);
u16 tcps_test_port(const struct sockaddr_storage *ss);

#define TCPS_TEST_MAX_ROWS	1024

#endif /* _TCPS_KUNIT_SOCKETS_H */
