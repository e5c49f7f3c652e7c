// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the walk against real loopback sockets in a fresh netns.
 */
#include <kunit/test.h>
#include <linux/delay.h>

#include "../module/walk.c"
#include "sockets.h"

static const int tcps_families[] = { AF_INET, AF_INET6 };

static void tcps_family_desc(const int *family, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%s",
		 *family == AF_INET6 ? "ipv6" : "ipv4");
}

KUNIT_ARRAY_PARAM(tcps_family, tcps_families, tcps_family_desc);

static struct tcps_row *tcps_rows(struct kunit *test)
{
	struct tcps_row *rows = kunit_kcalloc(test, TCPS_TEST_MAX_ROWS,
					      sizeof(*rows), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, rows);
	return rows;
}

/* listen + connect + accept: one LISTEN and two ESTABLISHED rows. */
static void tcps_walk_connection(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	struct tcps_row *rows = tcps_rows(test);
	unsigned int n, i, listen = 0, client = 0, server = 0, mine = 0;
	struct tcps_test_conn c;
	struct socket *l;
	u16 port;

	l = tcps_test_listener(test, net, family, 0, false, &port);
	tcps_test_connect(test, net, family, l, port, &c);

	n = tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS);
	KUNIT_ASSERT_LE(test, n, TCPS_TEST_MAX_ROWS);
	for (i = 0; i < n; i++) {
		const struct tcps_row *r = &rows[i];

		if (r->sport != port && r->dport != port)
			continue;
		mine++;
		KUNIT_EXPECT_EQ(test, r->family, family);
		if (r->state == TCPS_LISTEN && r->sport == port && !r->dport) {
			listen++;
			KUNIT_EXPECT_EQ(test, r->ino, SOCK_INODE(l)->i_ino);
		} else if (tcps_test_row_is(r, &c.caddr, &c.saddr)) {
			client++;
			KUNIT_EXPECT_EQ(test, r->state, TCPS_ESTABLISHED);
			KUNIT_EXPECT_EQ(test, r->ino,
					SOCK_INODE(c.client)->i_ino);
		} else if (tcps_test_row_is(r, &c.saddr, &c.caddr)) {
			server++;
			KUNIT_EXPECT_EQ(test, r->state, TCPS_ESTABLISHED);
			KUNIT_EXPECT_EQ(test, r->ino,
					SOCK_INODE(c.server)->i_ino);
		}
	}
	KUNIT_EXPECT_EQ(test, listen, 1);
	KUNIT_EXPECT_EQ(test, client, 1);
	KUNIT_EXPECT_EQ(test, server, 1);
	KUNIT_EXPECT_EQ(test, mine, 3);
}

/*
 * Active close: the client lives on as a timewait socket, first with the
 * FIN_WAIT2 substate (orphaned), then TIME_WAIT once the server closes.
 * Or, when its FIN_WAIT2 time (tcp_fin_time(), at least 3.5 RTO) is longer
 * than TIME_WAIT's, as the full socket in FIN_WAIT2 until the server's
 * FIN: the kernel picks by timing, and a slow debug guest has long RTOs.
 */
static void tcps_walk_time_wait(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	const struct tcps_row *r;
	struct tcps_test_conn c;
	struct socket *l;
	u16 port;

	l = tcps_test_listener(test, net, family, 0, false, &port);
	tcps_test_connect(test, net, family, l, port, &c);

	tcps_test_close(test, c.client);
	r = tcps_test_wait_row(test, net, &c.caddr, &c.saddr, TCPS_FIN_WAIT2);
	KUNIT_EXPECT_NE(test, r->kind, TCPS_KIND_REQ);
	tcps_test_wait_row(test, net, &c.saddr, &c.caddr, TCPS_CLOSE_WAIT);

	tcps_test_close(test, c.server);
	r = tcps_test_wait_row(test, net, &c.caddr, &c.saddr, TCPS_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, r->kind, TCPS_KIND_TW);
	KUNIT_EXPECT_EQ(test, r->uid, 0);
	KUNIT_EXPECT_EQ(test, r->ino, 0);
	KUNIT_EXPECT_EQ(test, r->rxq, 0);
	KUNIT_EXPECT_EQ(test, r->txq, 0);
}

/* Sockets of one netns never show in the walk of another. */
static void tcps_walk_netns_isolation(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	struct tcps_row *rows = tcps_rows(test);
	unsigned int n, i, here = 0;
	struct tcps_test_conn c;
	struct socket *l;
	u16 port;

	l = tcps_test_listener(test, net, family, 0, false, &port);
	tcps_test_connect(test, net, family, l, port, &c);

	n = min(tcps_test_walk(test, &init_net, rows, TCPS_TEST_MAX_ROWS),
		TCPS_TEST_MAX_ROWS);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_FALSE(test, tcps_test_row_is(&rows[i], &c.caddr,
							  &c.saddr));
		KUNIT_EXPECT_FALSE(test, tcps_test_row_is(&rows[i], &c.saddr,
							  &c.caddr));
	}
	n = min(tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS),
		TCPS_TEST_MAX_ROWS);
	for (i = 0; i < n; i++)
		here += tcps_test_row_is(&rows[i], &c.caddr, &c.saddr);
	KUNIT_EXPECT_EQ(test, here, 1);
}

static void tcps_count_copied(struct kunit *test, struct net *net,
			      struct tcps_row *rows, u64 *counts)
{
	unsigned int n, i;

	n = tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS);
	KUNIT_ASSERT_LE(test, n, TCPS_TEST_MAX_ROWS);
	memset(counts, 0, TCPS_STATE_SLOTS * sizeof(*counts));
	for (i = 0; i < n; i++)
		counts[rows[i].state]++;
}

/*
 * The counting walk (no copies) agrees with the copying
 * walk on a netns holding listeners, connections and timewait sockets:
 * compared between two copying walks that agree with each other.
 */
static void tcps_walk_count_matches_copy(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	struct tcps_row *rows = tcps_rows(test);
	u64 before[TCPS_STATE_SLOTS], after[TCPS_STATE_SLOTS];
	u64 counted[TCPS_STATE_SLOTS];
	struct tcps_test_conn c, d;
	struct socket *l;
	int tries;
	u16 port;

	l = tcps_test_listener(test, net, family, 0, false, &port);
	tcps_test_connect(test, net, family, l, port, &c);
	tcps_test_connect(test, net, family, l, port, &d);
	tcps_test_close(test, d.client);
	tcps_test_wait_row(test, net, &d.caddr, &d.saddr, TCPS_FIN_WAIT2);

	for (tries = 0; tries < 100; tries++) {
		tcps_count_copied(test, net, rows, before);
		memset(counted, 0, sizeof(counted));
		tcps_walk_count(net, counted);
		counted[0] = 0;
		tcps_count_copied(test, net, rows, after);
		if (!memcmp(before, after, sizeof(before)))
			break;
		msleep(20);
	}
	KUNIT_ASSERT_LT(test, tries, 100);
	KUNIT_EXPECT_MEMEQ(test, counted, before, sizeof(before));
	KUNIT_EXPECT_GE(test, counted[TCPS_LISTEN], 1);
	KUNIT_EXPECT_GE(test, counted[TCPS_ESTABLISHED], 2);
	KUNIT_EXPECT_GE(test, counted[TCPS_FIN_WAIT2], 1);
	KUNIT_EXPECT_GE(test, counted[TCPS_CLOSE_WAIT], 1);
}

/*
 * SO_REUSEPORT listeners on one address and port share an lhash2 chain:
 * more of them than the initial row buffer makes the walk grow it and
 * copy the chain again, and still show each exactly once.
 */
static void tcps_walk_long_chain(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	struct tcps_row *rows = tcps_rows(test);
	const unsigned int want = TCPS_ROWS_INITIAL + 9;
	unsigned int n, i, seen = 0;
	u16 port, again;

	tcps_test_listener(test, net, family, 0, true, &port);
	for (i = 1; i < want; i++) {
		tcps_test_listener(test, net, family, port, true, &again);
		KUNIT_ASSERT_EQ(test, again, port);
	}
	n = tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS);
	KUNIT_ASSERT_LE(test, n, TCPS_TEST_MAX_ROWS);
	for (i = 0; i < n; i++)
		seen += rows[i].sport == port && rows[i].state == TCPS_LISTEN;
	KUNIT_EXPECT_EQ(test, seen, want);
}

/* The rows of @rows[0..n) with local port @port. */
static unsigned int tcps_rows_on_port(const struct tcps_row *rows,
				      unsigned int n, u16 port,
				      const struct tcps_row **last)
{
	unsigned int i, found = 0;

	for (i = 0; i < n; i++) {
		if (rows[i].sport != port)
			continue;
		found++;
		*last = &rows[i];
	}
	return found;
}

/*
 * A socket only bound shows once, in CLOSE, from the bind table; once it
 * listens, once, as LISTEN and not also as bound.
 */
static void tcps_walk_bound(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	struct tcps_row *rows = tcps_rows(test);
	const struct tcps_row *r = NULL;
	struct socket *sock;
	unsigned int n;
	u16 port;

	sock = tcps_test_bound(test, net, family, &port);
	n = tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS);
	KUNIT_ASSERT_EQ(test, tcps_rows_on_port(rows, n, port, &r), 1);
	KUNIT_EXPECT_EQ(test, r->state, TCPS_CLOSE);
	KUNIT_EXPECT_EQ(test, r->family, family);
	KUNIT_EXPECT_EQ(test, r->dport, 0);
	KUNIT_EXPECT_EQ(test, r->ino, SOCK_INODE(sock)->i_ino);
	KUNIT_EXPECT_EQ(test, r->timer, TCPS_TIMER_OFF);
	KUNIT_EXPECT_FALSE(test, r->has_idle);

	KUNIT_ASSERT_EQ(test, kernel_listen(sock, 8), 0);
	n = tcps_test_walk(test, net, rows, TCPS_TEST_MAX_ROWS);
	KUNIT_ASSERT_EQ(test, tcps_rows_on_port(rows, n, port, &r), 1);
	KUNIT_EXPECT_EQ(test, r->state, TCPS_LISTEN);
}

/*
 * A bound socket that listens while a read is between the bind table and
 * the listeners' is shown once, as the bound socket it was: the read
 * recognises it in lhash2 (w->seen).
 */
static void tcps_walk_bound_then_listens(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	const struct tcps_row *r = NULL;
	unsigned int shown = 0, remembered;
	struct tcps_walk w;
	struct socket *sock;
	bool listening = false;
	int n;
	u16 port;

	sock = tcps_test_bound(test, net, family, &port);
	KUNIT_ASSERT_EQ(test, tcps_walk_init(&w, net, &init_user_ns), 0);
	while ((n = tcps_walk_next(&w)) > 0) {
		shown += tcps_rows_on_port(w.rows, n, port, &r);
		if (shown && !listening) {
			KUNIT_EXPECT_EQ(test, w.table, TCPS_TABLE_BIND);
			KUNIT_EXPECT_EQ(test, r->state, TCPS_CLOSE);
			KUNIT_EXPECT_EQ(test, kernel_listen(sock, 8), 0);
			listening = true;
		}
	}
	remembered = w.seen.n;
	tcps_walk_destroy(&w);
	KUNIT_EXPECT_EQ(test, n, 0);
	KUNIT_EXPECT_TRUE(test, listening);
	KUNIT_EXPECT_EQ(test, shown, 1);
	KUNIT_EXPECT_GE(test, remembered, 1);
}

/*
 * Timers and idle times, against what the test set: a keepalive time of
 * 100 s on the client, the listener with none, a timewait socket's
 * expiry within TIME_WAIT's 60 s.
 */
static void tcps_walk_timers(struct kunit *test)
{
	int family = *(const int *)test->param_value;
	struct net *net = tcps_test_netns(test);
	const struct tcps_row *r;
	struct tcps_test_conn c, d;
	struct sockaddr_storage any = {};
	struct socket *l;
	u16 port;

	l = tcps_test_listener(test, net, family, 0, false, &port);
	tcps_test_connect(test, net, family, l, port, &c);
	sock_set_keepalive(c.client->sk);
	KUNIT_ASSERT_EQ(test, tcp_sock_set_keepidle(c.client->sk, 100), 0);

	r = tcps_test_wait_row(test, net, &c.caddr, &c.saddr, TCPS_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, r->timer, TCPS_TIMER_KEEPALIVE);
	KUNIT_EXPECT_LE(test, r->timer_ms, 100000);
	KUNIT_EXPECT_GT(test, r->timer_ms, 90000);
	KUNIT_EXPECT_EQ(test, r->retrans, 0);
	KUNIT_EXPECT_EQ(test, r->probes, 0);
	KUNIT_EXPECT_TRUE(test, r->has_idle);
	KUNIT_EXPECT_LT(test, r->idle_rcv_ms, 10000);
	KUNIT_EXPECT_LT(test, r->idle_snd_ms, 10000);

	r = tcps_test_wait_row(test, net, &c.saddr, &c.caddr, TCPS_ESTABLISHED);
	KUNIT_EXPECT_EQ(test, r->timer, TCPS_TIMER_OFF);
	KUNIT_EXPECT_EQ(test, r->timer_ms, 0);
	KUNIT_EXPECT_TRUE(test, r->has_idle);

	any.ss_family = family;
	r = tcps_test_wait_row(test, net, &c.saddr, &any, TCPS_LISTEN);
	KUNIT_EXPECT_EQ(test, r->timer, TCPS_TIMER_OFF);
	KUNIT_EXPECT_FALSE(test, r->has_idle);

	tcps_test_connect(test, net, family, l, port, &d);
	tcps_test_close(test, d.client);
	tcps_test_close(test, d.server);
	r = tcps_test_wait_row(test, net, &d.caddr, &d.saddr, TCPS_TIME_WAIT);
	KUNIT_EXPECT_EQ(test, r->timer, TCPS_TIMER_TIMEWAIT);
	KUNIT_EXPECT_LE(test, r->timer_ms, 60000);
	KUNIT_EXPECT_GT(test, r->timer_ms, 0);
	KUNIT_EXPECT_FALSE(test, r->has_idle);
}

static struct kunit_case tcps_walk_test_cases[] = {
	KUNIT_CASE_PARAM(tcps_walk_connection, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_time_wait, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_netns_isolation, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_long_chain, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_count_matches_copy, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_bound, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_bound_then_listens, tcps_family_gen_params),
	KUNIT_CASE_PARAM(tcps_walk_timers, tcps_family_gen_params),
	{}
};

static struct kunit_suite tcps_walk_suite = {
	.name = "tcpstates_walk",
	.test_cases = tcps_walk_test_cases,
};

kunit_test_suite(tcps_walk_suite);
