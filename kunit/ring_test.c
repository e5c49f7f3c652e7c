// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the transitions log's rings.  A snapshot holds only its netns's
 * entries, oldest first, at most trans_ring_size of them, the newest; one
 * CPU's ring keeps the newest trans_ring_size of all namespaces; entries
 * of several CPUs merge by time; log=0 allocates and writes nothing.
 * The entries are made by hand on a fake socket: only its sock_common
 * part is read.
 */
/* First: it sets pr_fmt before any header uses it. */
#include "../module/trans_ring.c"

#include <kunit/test.h>
#include <linux/smp.h>

#define TCPS_TEST_RING	16

struct tcps_ring_fixture {
	struct sock *sk;
	struct net *a, *b;	/* two namespaces, told apart by cookie */
};

static void tcps_test_ring_exit(void *unused)
{
	tcps_ring_exit();
}

static void tcps_ring_fixture(struct kunit *test, struct tcps_ring_fixture *f)
{
	tcps_ring_size = TCPS_TEST_RING;
	KUNIT_ASSERT_EQ(test, tcps_ring_init(), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test,
							tcps_test_ring_exit,
							NULL), 0);
	f->sk = kunit_kzalloc(test, sizeof(*f->sk), GFP_KERNEL);
	f->a = kunit_kzalloc(test, sizeof(*f->a), GFP_KERNEL);
	f->b = kunit_kzalloc(test, sizeof(*f->b), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->sk);
	KUNIT_ASSERT_NOT_NULL(test, f->a);
	KUNIT_ASSERT_NOT_NULL(test, f->b);
	f->a->net_cookie = 1001;
	f->a->ns.inum = 11;
	f->b->net_cookie = 1002;
	f->b->ns.inum = 12;
	f->sk->sk_family = AF_INET;
	f->sk->sk_rcv_saddr = htonl(INADDR_LOOPBACK);
	f->sk->sk_daddr = htonl(INADDR_LOOPBACK);
	f->sk->sk_dport = htons(80);
}

/* Entry @i: its local port is @i, so order and identity show. */
static void tcps_ring_put(struct tcps_ring_fixture *f, struct net *net, u16 i)
{
	tcps_ring_add(f->sk, net, i, TCP_ESTABLISHED, TCP_FIN_WAIT1);
}

/* One CPU: the newest 16 of all entries stay; a netns sees its share. */
static void tcps_ring_keeps_newest(struct kunit *test)
{
	struct tcps_ring_fixture f;
	struct tcps_trans_log log;
	unsigned int i;

	tcps_ring_fixture(test, &f);
	preempt_disable();
	for (i = 0; i < 40; i++)
		tcps_ring_put(&f, i % 2 ? f.b : f.a, i);
	preempt_enable();

	KUNIT_ASSERT_EQ(test, tcps_ring_snapshot(&log, f.a->net_cookie), 0);
	/* Entries 24..39 are left; netns a has the even ones. */
	KUNIT_EXPECT_EQ(test, log.n, TCPS_TEST_RING / 2);
	for (i = 0; i < log.n && i < TCPS_TEST_RING / 2; i++) {
		const struct tcps_trans_entry *e = &log.entries[i];

		KUNIT_EXPECT_EQ(test, e->sport, 24 + 2 * i);
		KUNIT_EXPECT_EQ(test, e->netns_inum, 11);
		KUNIT_EXPECT_EQ(test, e->dport, 80);
		KUNIT_EXPECT_EQ(test, e->from, TCP_ESTABLISHED);
		KUNIT_EXPECT_EQ(test, e->to, TCP_FIN_WAIT1);
		KUNIT_EXPECT_EQ(test, ntohl(e->saddr.v4), INADDR_LOOPBACK);
		if (i)
			KUNIT_EXPECT_LE(test, e[-1].time_ns, e->time_ns);
	}
	tcps_ring_snapshot_free(&log);
}

/*
 * A slot overwritten by a newer entry is not taken for the older index a
 * reader asked for (it would put a newer entry among older ones).
 */
static void tcps_ring_overwritten_slot(struct kunit *test)
{
	struct tcps_ring_fixture f;
	struct tcps_trans_entry e;
	struct tcps_ring *ring;
	unsigned int i;

	tcps_ring_fixture(test, &f);
	preempt_disable();
	for (i = 0; i < TCPS_TEST_RING + 4; i++)
		tcps_ring_put(&f, f.a, i);
	ring = this_cpu_read(tcps_rings);
	preempt_enable();

	KUNIT_EXPECT_FALSE(test, tcps_ring_read(ring, 2, &e));
	KUNIT_ASSERT_TRUE(test, tcps_ring_read(ring, TCPS_TEST_RING + 2, &e));
	KUNIT_EXPECT_EQ(test, e.sport, TCPS_TEST_RING + 2);
	KUNIT_ASSERT_TRUE(test, tcps_ring_read(ring, 5, &e));
	KUNIT_EXPECT_EQ(test, e.sport, 5);
	/* Not written yet. */
	KUNIT_EXPECT_FALSE(test, tcps_ring_read(ring, 2 * TCPS_TEST_RING + 5,
						&e));
}

static void tcps_ring_empty_netns(struct kunit *test)
{
	struct tcps_ring_fixture f;
	struct tcps_trans_log log;

	tcps_ring_fixture(test, &f);
	preempt_disable();
	tcps_ring_put(&f, f.a, 1);
	preempt_enable();
	KUNIT_ASSERT_EQ(test, tcps_ring_snapshot(&log, 4242), 0);
	KUNIT_EXPECT_EQ(test, log.n, 0);
	tcps_ring_snapshot_free(&log);
}

struct tcps_ring_remote {
	struct tcps_ring_fixture *f;
	u16 i;
};

static void tcps_ring_put_remote(void *arg)
{
	struct tcps_ring_remote *r = arg;

	tcps_ring_put(r->f, r->f->a, r->i);
}

/*
 * Two CPUs taking turns, 12 entries each: the snapshot merges them by
 * time into one order, and keeps the newest 16 of the 24.
 */
static void tcps_ring_merges_cpus(struct kunit *test)
{
	struct tcps_ring_fixture f;
	struct tcps_ring_remote r = { .f = &f };
	struct tcps_trans_log log;
	unsigned int i, cpus[2], n = 0, cpu;

	for_each_online_cpu(cpu)
		if (n < 2)
			cpus[n++] = cpu;
	if (n < 2)
		kunit_skip(test, "needs two online CPUs");
	tcps_ring_fixture(test, &f);
	for (i = 0; i < 24; i++) {
		r.i = i;
		KUNIT_ASSERT_EQ(test, smp_call_function_single(cpus[i % 2],
							       tcps_ring_put_remote,
							       &r, 1), 0);
	}

	KUNIT_ASSERT_EQ(test, tcps_ring_snapshot(&log, f.a->net_cookie), 0);
	KUNIT_EXPECT_EQ(test, log.n, TCPS_TEST_RING);
	for (i = 0; i < log.n && i < TCPS_TEST_RING; i++)
		KUNIT_EXPECT_EQ(test, log.entries[i].sport, 8 + i);
	tcps_ring_snapshot_free(&log);
}

/*
 * Following: a take after the snapshot has exactly the entries logged
 * since, of its netns only; what the ring overwrote before the take is
 * counted as lost; each entry carries the socket's cookie.
 */
static void tcps_ring_follow_since(struct kunit *test)
{
	struct tcps_ring_fixture f;
	struct tcps_trans_log log;
	unsigned int i;
	u64 cookie;

	tcps_ring_fixture(test, &f);
	preempt_disable();
	for (i = 0; i < 4; i++)
		tcps_ring_put(&f, f.a, i);
	preempt_enable();
	KUNIT_ASSERT_EQ(test, tcps_ring_snapshot(&log, f.a->net_cookie), 0);
	KUNIT_EXPECT_EQ(test, log.n, 4);
	cookie = atomic64_read(&f.sk->sk_cookie);
	KUNIT_EXPECT_NE(test, cookie, 0);
	KUNIT_EXPECT_EQ(test, log.entries[0].cookie, cookie);
	KUNIT_EXPECT_FALSE(test, tcps_ring_pending(&log, f.a->net_cookie));

	/* Another netns's entry is no news for this one. */
	preempt_disable();
	tcps_ring_put(&f, f.b, 100);
	preempt_enable();
	KUNIT_EXPECT_FALSE(test, tcps_ring_pending(&log, f.a->net_cookie));

	preempt_disable();
	for (i = 0; i < 3; i++)
		tcps_ring_put(&f, f.a, 10 + i);
	preempt_enable();
	KUNIT_EXPECT_TRUE(test, tcps_ring_pending(&log, f.a->net_cookie));
	KUNIT_ASSERT_EQ(test, tcps_ring_follow(&log, f.a->net_cookie), 0);
	KUNIT_EXPECT_EQ(test, log.n, 3);
	for (i = 0; i < log.n && i < 3; i++)
		KUNIT_EXPECT_EQ(test, log.entries[i].sport, 10 + i);
	KUNIT_EXPECT_EQ(test, log.lost, 0);
	KUNIT_EXPECT_FALSE(test, tcps_ring_pending(&log, f.a->net_cookie));

	/* 40 more on a ring of 16: the 24 oldest are gone before the take. */
	preempt_disable();
	for (i = 0; i < 40; i++)
		tcps_ring_put(&f, f.a, 200 + i);
	preempt_enable();
	KUNIT_ASSERT_EQ(test, tcps_ring_follow(&log, f.a->net_cookie), 0);
	KUNIT_EXPECT_EQ(test, log.n, TCPS_TEST_RING);
	for (i = 0; i < log.n && i < TCPS_TEST_RING; i++)
		KUNIT_EXPECT_EQ(test, log.entries[i].sport, 224 + i);
	KUNIT_EXPECT_EQ(test, log.lost, 24);

	/* Nothing new: an empty take. */
	KUNIT_ASSERT_EQ(test, tcps_ring_follow(&log, f.a->net_cookie), 0);
	KUNIT_EXPECT_EQ(test, log.n, 0);
	KUNIT_EXPECT_EQ(test, log.lost, 24);
	tcps_ring_snapshot_free(&log);
}

static void tcps_test_log_on(void *unused)
{
	tcps_log = 1;
	static_branch_enable(&tcps_ring_on);
}

/* log=0: no ring is allocated and the probes' call logs nothing. */
static void tcps_ring_log_off(struct kunit *test)
{
	struct tcps_ring_fixture f;
	unsigned int cpu;

	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tcps_test_log_on,
							NULL), 0);
	tcps_log = 0;
	tcps_ring_fixture(test, &f);
	KUNIT_EXPECT_FALSE(test, tcps_ring_enabled());
	KUNIT_EXPECT_FALSE(test, static_key_enabled(&tcps_ring_on));
	for_each_possible_cpu(cpu)
		KUNIT_EXPECT_NULL(test, per_cpu(tcps_rings, cpu));
	/* Would oops on the NULL ring if it wrote. */
	preempt_disable();
	tcps_ring_put(&f, f.a, 1);
	preempt_enable();
}

static struct kunit_case tcps_ring_test_cases[] = {
	KUNIT_CASE(tcps_ring_keeps_newest),
	KUNIT_CASE(tcps_ring_overwritten_slot),
	KUNIT_CASE(tcps_ring_empty_netns),
	KUNIT_CASE(tcps_ring_merges_cpus),
	KUNIT_CASE(tcps_ring_follow_since),
	KUNIT_CASE(tcps_ring_log_off),
	{}
};

static struct kunit_suite tcps_ring_test_suite = {
	.name = "tcpstates_ring",
	.test_cases = tcps_ring_test_cases,
};

kunit_test_suites(&tcps_ring_test_suite);
