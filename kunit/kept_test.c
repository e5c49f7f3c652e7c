// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what the transition counters say about the rows
 * (module/kept_rows.c).  Socket lives, as the hooks report them, step by
 * step: after each step the derived rows must be exactly the rows the
 * socket(s) of that life show in /proc/tcpstates, and nothing once the
 * life is over.
 */
#include <kunit/test.h>

#include "../module/kept_rows.c"

/*
 * One step of a life: the pair the hooks count (none: 0, 0), with the
 * bound socket counts the same moment adds (IN, OUT), and the rows after
 * it: up to two states, 0 for none.  All zero ends a life.
 */
#define TW	TCP_TIME_WAIT
#define TWF2	TCPS_TRANS_TW_FIN_WAIT2
#define NSR	TCPS_TRANS_NEW_SYN_RECV
#define IN	1
#define OUT	2

struct tcps_kept_step {
	u8 from, to, bound;
	u8 row1, row2;
};

struct tcps_kept_life {
	const char *name;
	struct tcps_kept_step steps[10];
};

static const struct tcps_kept_life tcps_kept_lives[] = {
	{ "client, closes first, TIME_WAIT", {
		{ TCP_CLOSE, TCP_SYN_SENT, 0, TCPS_SYN_SENT },
		{ TCP_SYN_SENT, TCP_ESTABLISHED, 0, TCPS_ESTABLISHED },
		{ TCP_ESTABLISHED, TCP_FIN_WAIT1, 0, TCPS_FIN_WAIT1 },
		{ TCP_FIN_WAIT1, TCP_FIN_WAIT2, 0, TCPS_FIN_WAIT2 },
		/* the timewait socket is born, then the full one closes */
		{ TCP_FIN_WAIT2, TW, 0, TCPS_FIN_WAIT2, TCPS_TIME_WAIT },
		{ TCP_FIN_WAIT2, TCP_CLOSE, 0, TCPS_TIME_WAIT },
		{ TW, TCP_CLOSE, 0, 0 },
	} },
	{ "server child: request, child, peer closes first", {
		{ TCP_LISTEN, NSR, 0, TCPS_SYN_RECV },
		/* the child's first change, from its listener's state */
		{ TCP_LISTEN, TCP_SYN_RECV, 0, TCPS_SYN_RECV, TCPS_SYN_RECV },
		{ NSR, TCP_SYN_RECV, 0, TCPS_SYN_RECV },
		{ TCP_SYN_RECV, TCP_ESTABLISHED, 0, TCPS_ESTABLISHED },
		{ TCP_ESTABLISHED, TCP_CLOSE_WAIT, 0, TCPS_CLOSE_WAIT },
		{ TCP_CLOSE_WAIT, TCP_LAST_ACK, 0, TCPS_LAST_ACK },
		{ TCP_LAST_ACK, TCP_CLOSE, 0, 0 },
	} },
	{ "request dropped", {
		{ TCP_LISTEN, NSR, 0, TCPS_SYN_RECV },
		{ NSR, TCP_CLOSE, 0, 0 },
	} },
	{ "orphan in FIN_WAIT2 as a timewait socket, then the peer's FIN", {
		{ TCP_CLOSE, TCP_SYN_SENT, 0, TCPS_SYN_SENT },
		{ TCP_SYN_SENT, TCP_ESTABLISHED, 0, TCPS_ESTABLISHED },
		{ TCP_ESTABLISHED, TCP_FIN_WAIT1, 0, TCPS_FIN_WAIT1 },
		{ TCP_FIN_WAIT1, TWF2, 0, TCPS_FIN_WAIT1, TCPS_FIN_WAIT2 },
		{ TCP_FIN_WAIT1, TCP_CLOSE, 0, TCPS_FIN_WAIT2 },
		{ TWF2, TW, 0, TCPS_TIME_WAIT },
		{ TW, TCP_CLOSE, 0, 0 },
	} },
	{ "repaired, orphan in FIN_WAIT2 expires as a timewait socket", {
		{ TCP_CLOSE, TCP_ESTABLISHED, 0, TCPS_ESTABLISHED },
		{ TCP_ESTABLISHED, TCP_FIN_WAIT1, 0, TCPS_FIN_WAIT1 },
		{ TCP_FIN_WAIT1, TCP_FIN_WAIT2, 0, TCPS_FIN_WAIT2 },
		{ TCP_FIN_WAIT2, TWF2, 0, TCPS_FIN_WAIT2, TCPS_FIN_WAIT2 },
		{ TCP_FIN_WAIT2, TCP_CLOSE, 0, TCPS_FIN_WAIT2 },
		{ TWF2, TCP_CLOSE, 0, 0 },
	} },
	{ "simultaneous open and close", {
		{ TCP_CLOSE, TCP_SYN_SENT, 0, TCPS_SYN_SENT },
		{ TCP_SYN_SENT, TCP_SYN_RECV, 0, TCPS_SYN_RECV },
		{ TCP_SYN_RECV, TCP_ESTABLISHED, 0, TCPS_ESTABLISHED },
		{ TCP_ESTABLISHED, TCP_FIN_WAIT1, 0, TCPS_FIN_WAIT1 },
		{ TCP_FIN_WAIT1, TCP_CLOSING, 0, TCPS_CLOSING },
		{ TCP_CLOSING, TW, 0, TCPS_CLOSING, TCPS_TIME_WAIT },
		{ TCP_CLOSING, TCP_CLOSE, 0, TCPS_TIME_WAIT },
		{ TW, TCP_CLOSE, 0, 0 },
	} },
	{ "bound, listens, closes keeping its port, ends", {
		{ 0, 0, IN, TCPS_CLOSE },			/* bind() */
		{ TCP_CLOSE, TCP_LISTEN, OUT, TCPS_LISTEN },
		{ TCP_LISTEN, TCP_LISTEN, 0, TCPS_LISTEN },	/* repeated */
		{ TCP_LISTEN, TCP_CLOSE, IN, TCPS_CLOSE },
		{ 0, 0, OUT, 0 },			/* inet_put_port() */
	} },
	{ "bound, connect fails keeping the port, again, ends", {
		{ 0, 0, IN, TCPS_CLOSE },
		{ TCP_CLOSE, TCP_SYN_SENT, OUT, TCPS_SYN_SENT },
		{ TCP_SYN_SENT, TCP_CLOSE, IN, TCPS_CLOSE },
		{ TCP_CLOSE, TCP_CLOSE, IN | OUT, TCPS_CLOSE },
		{ 0, 0, OUT, 0 },
	} },
	{ "connect without bind, refused: the port goes before CLOSE", {
		{ TCP_CLOSE, TCP_SYN_SENT, 0, TCPS_SYN_SENT },
		{ TCP_SYN_SENT, TCP_CLOSE, 0, 0 },
	} },
	{ "child of a listener already closed", {
		{ TCP_CLOSE, TCP_SYN_RECV, 0, TCPS_SYN_RECV },
		{ TCP_SYN_RECV, TCP_CLOSE, 0, 0 },
	} },
	{ "reset while established", {
		{ TCP_CLOSE, TCP_SYN_SENT, 0, TCPS_SYN_SENT },
		{ TCP_SYN_SENT, TCP_ESTABLISHED, 0, TCPS_ESTABLISHED },
		{ TCP_ESTABLISHED, TCP_CLOSE, 0, 0 },
	} },
};

static bool tcps_kept_step_end(const struct tcps_kept_step *st)
{
	return !st->from && !st->to && !st->bound && !st->row1 && !st->row2;
}

/* After each step, exactly the rows of that moment. */
static void tcps_kept_lives_exact(struct kunit *test)
{
	const struct tcps_kept_life *life;
	struct tcps_trans_matrix *m;
	s64 k[TCPS_STATE_SLOTS], want[TCPS_STATE_SLOTS];
	unsigned int i, s;
	u64 events;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	for (life = tcps_kept_lives;
	     life < tcps_kept_lives + ARRAY_SIZE(tcps_kept_lives); life++) {
		memset(m, 0, sizeof(*m));
		events = 0;
		for (i = 0; i < ARRAY_SIZE(life->steps); i++) {
			const struct tcps_kept_step *st = &life->steps[i];

			if (tcps_kept_step_end(st))
				break;
			if (st->from || st->to) {
				m->n[st->from][st->to]++;
				events++;
			}
			if (st->bound & IN) {
				m->bound[TCPS_BOUND_IN]++;
				events++;
			}
			if (st->bound & OUT) {
				m->bound[TCPS_BOUND_OUT]++;
				events++;
			}
			KUNIT_EXPECT_EQ(test, tcps_kept_events(m), events);
			memset(want, 0, sizeof(want));
			want[st->row1]++;
			want[st->row2]++;
			tcps_kept_derive(m, k);
			for (s = 1; s < TCPS_STATE_SLOTS; s++)
				KUNIT_EXPECT_EQ_MSG(test, k[s], want[s],
						    "%s, step %u: %s", life->name,
						    i + 1, tcps_state_name(s));
		}
	}
}

/* Counts add up: many lives at once are the sum of each. */
static void tcps_kept_lives_add(struct kunit *test)
{
	struct tcps_trans_matrix *m;
	s64 k[TCPS_STATE_SLOTS];
	unsigned int s;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	/* 1000 clients up, 400 of them closed into TIME_WAIT */
	m->n[TCP_CLOSE][TCP_SYN_SENT] = 1000;
	m->n[TCP_SYN_SENT][TCP_ESTABLISHED] = 1000;
	m->n[TCP_ESTABLISHED][TCP_FIN_WAIT1] = 400;
	m->n[TCP_FIN_WAIT1][TCP_FIN_WAIT2] = 400;
	m->n[TCP_FIN_WAIT2][TW] = 400;
	m->n[TCP_FIN_WAIT2][TCP_CLOSE] = 400;
	tcps_kept_derive(m, k);
	for (s = 1; s < TCPS_STATE_SLOTS; s++)
		KUNIT_EXPECT_EQ_MSG(test, k[s],
				    s == TCPS_ESTABLISHED ? 600 :
				    s == TCPS_TIME_WAIT ? 400 : 0,
				    "%s", tcps_state_name(s));
}

static struct kunit_case tcps_kept_cases[] = {
	KUNIT_CASE(tcps_kept_lives_exact),
	KUNIT_CASE(tcps_kept_lives_add),
	{}
};

static struct kunit_suite tcps_kept_suite = {
	.name = "tcpstates_kept",
	.test_cases = tcps_kept_cases,
};

kunit_test_suite(tcps_kept_suite);
