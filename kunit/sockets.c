// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit helpers: real loopback TCP sockets in a netns given by the guest.
 *
 * A module cannot create a network namespace (copy_net_ns() is not
 * exported), so the guest makes a fresh one, brings its lo up and passes a
 * pid inside it as netns_pid=.  Test sockets are closed by KUnit actions
 * with SO_LINGER 0, so they leave no TIME_WAIT behind for the next case.
 */
#include <kunit/resource.h>
#include <linux/delay.h>
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pid.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "../module/compat_net.h"
#include "sockets.h"

static int netns_pid;
module_param(netns_pid, int, 0444);
MODULE_PARM_DESC(netns_pid, "pid of a process in a fresh netns with lo up (required by the socket tests)");

static void tcps_test_put_net(void *net)
{
	put_net(net);
}

/* The netns for socket tests, or skip the test when the guest gave none. */
struct net *tcps_test_netns(struct kunit *test)
{
	struct net *net;

	if (!netns_pid)
		kunit_skip(test, "no netns_pid= given");
	net = get_net_ns_by_pid(netns_pid);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(net), "netns of pid %d: %ld",
			       netns_pid, PTR_ERR(net));
	KUNIT_ASSERT_FALSE(test, net_eq(net, &init_net));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tcps_test_put_net,
							net), 0);
	return net;
}

/* Closing with an RST leaves nothing behind in the tables. */
static void tcps_test_release(void *ctx)
{
	struct socket *sock = ctx;

	sock_no_linger(sock->sk);
	sock_release(sock);
}

static void tcps_test_own(struct kunit *test, struct socket *sock)
{
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tcps_test_release,
							sock), 0);
}

/* Close gracefully now (FIN, not RST): the TIME_WAIT tests need it. */
void tcps_test_close(struct kunit *test, struct socket *sock)
{
	kunit_remove_action(test, tcps_test_release, sock);
	sock_release(sock);
}

static int tcps_test_loopback(int family, u16 port,
			      struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(port);
		return sizeof(*sin6);
	}
	((struct sockaddr_in *)ss)->sin_family = AF_INET;
	((struct sockaddr_in *)ss)->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	((struct sockaddr_in *)ss)->sin_port = htons(port);
	return sizeof(struct sockaddr_in);
}

u16 tcps_test_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

static struct socket *tcps_test_socket(struct kunit *test, struct net *net,
				       int family)
{
	struct socket *sock;

	KUNIT_ASSERT_EQ(test, sock_create_kern(net, family, SOCK_STREAM,
					       IPPROTO_TCP, &sock), 0);
	tcps_test_own(test, sock);
	return sock;
}

/* A loopback listener on @port (0: any); its port in *@bound. */
struct socket *tcps_test_listener(struct kunit *test, struct net *net,
				  int family, u16 port, bool reuseport,
				  u16 *bound)
{
	struct socket *sock = tcps_test_socket(test, net, family);
	struct sockaddr_storage ss;
	int len = tcps_test_loopback(family, port, &ss);

	if (reuseport)
		sock_set_reuseport(sock->sk);
	KUNIT_ASSERT_EQ(test, tcps_kernel_bind(sock, &ss, len), 0);
	KUNIT_ASSERT_EQ(test, kernel_listen(sock, 64), 0);
	KUNIT_ASSERT_GT(test, kernel_getsockname(sock, (struct sockaddr *)&ss), 0);
	*bound = tcps_test_port(&ss);
	return sock;
}

/* A loopback socket bound to any free port, not listening: *@bound. */
struct socket *tcps_test_bound(struct kunit *test, struct net *net,
			       int family, u16 *bound)
{
	struct socket *sock = tcps_test_socket(test, net, family);
	struct sockaddr_storage ss;
	int len = tcps_test_loopback(family, 0, &ss);

	KUNIT_ASSERT_EQ(test, tcps_kernel_bind(sock, &ss, len), 0);
	KUNIT_ASSERT_GT(test, kernel_getsockname(sock, (struct sockaddr *)&ss), 0);
	*bound = tcps_test_port(&ss);
	return sock;
}

/* Connect to @listener on @port and accept: two ESTABLISHED sockets. */
void tcps_test_connect(struct kunit *test, struct net *net, int family,
		       struct socket *listener, u16 port,
		       struct tcps_test_conn *c)
{
	struct sockaddr_storage ss;
	int len = tcps_test_loopback(family, port, &ss);

	c->client = tcps_test_socket(test, net, family);
	KUNIT_ASSERT_EQ(test, tcps_kernel_connect(c->client, &ss, len, 0), 0);
	KUNIT_ASSERT_EQ(test, kernel_accept(listener, &c->server, 0), 0);
	tcps_test_own(test, c->server);
	KUNIT_ASSERT_GT(test, kernel_getsockname(c->client,
						 (struct sockaddr *)&c->caddr), 0);
	KUNIT_ASSERT_GT(test, kernel_getsockname(c->server,
						 (struct sockaddr *)&c->saddr), 0);
}

/* Every row of @net, in walk order; returns the count (may exceed @max). */
unsigned int tcps_test_walk(struct kunit *test, struct net *net,
			    struct tcps_row *rows, unsigned int max)
{
	struct tcps_walk w;
	unsigned int total = 0;
	int i, n;

	KUNIT_ASSERT_EQ(test, tcps_walk_init(&w, net, &init_user_ns), 0);
	while ((n = tcps_walk_next(&w)) > 0)
		for (i = 0; i < n; i++, total++)
			if (total < max)
				rows[total] = w.rows[i];
	tcps_walk_destroy(&w);
	KUNIT_EXPECT_EQ(test, n, 0);
	return total;
}

static bool tcps_test_end_is(int family, const void *addr, u16 port,
			     const struct sockaddr_storage *ss)
{
	if (ss->ss_family != family || tcps_test_port(ss) != port)
		return false;
	if (family == AF_INET6)
		return !memcmp(addr, &((const struct sockaddr_in6 *)ss)->sin6_addr,
			       sizeof(struct in6_addr));
	return !memcmp(addr, &((const struct sockaddr_in *)ss)->sin_addr,
		       sizeof(__be32));
}

/* Is @row the socket whose ends are @local and @remote? */
bool tcps_test_row_is(const struct tcps_row *row,
		      const struct sockaddr_storage *local,
		      const struct sockaddr_storage *remote)
{
	return tcps_test_end_is(row->family, &row->src, row->sport, local) &&
	       tcps_test_end_is(row->family, &row->dst, row->dport, remote);
}

/*
 * Wait (up to 5 s: packets on loopback take a softirq, timers longer) for
 * exactly one row with these ends to show @state.
 */
const struct tcps_row *tcps_test_wait_row(struct kunit *test,
					  struct net *net,
					  const struct sockaddr_storage *local,
					  const struct sockaddr_storage *remote,
					  u8 state)
{
	struct tcps_row *rows = kunit_kcalloc(test, TCPS_TEST_MAX_ROWS,
					      sizeof(*rows), GFP_KERNEL);
	const struct tcps_row *found = NULL;
	unsigned int n, i, seen;
	int tries;

	KUNIT_ASSERT_NOT_NULL(test, rows);
	for (tries = 0; tries < 250 && !found; tries++) {
		if (tries)
			msleep(20);
		n = min(tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS),
			TCPS_TEST_MAX_ROWS);
		for (i = 0, seen = 0; i < n; i++) {
			if (!tcps_test_row_is(&rows[i], local, remote))
				continue;
			seen++;
			if (rows[i].state == state)
				found = &rows[i];
		}
		KUNIT_ASSERT_LE(test, seen, 1);
	}
	KUNIT_ASSERT_NOT_NULL_MSG(test, found, "no row in state %s",
				  tcps_state_name(state));
	return found;
}

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for tcpstates");
