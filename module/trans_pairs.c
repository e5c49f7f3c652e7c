// SPDX-License-Identifier: GPL-2.0
/*
 * The transition counters of one netns: a from->to matrix of 14 x 14
 * slots of which TCP makes 39 pairs.  Those are counted per CPU, the rest
 * (none, on the kernels read) in one matrix of atomics, so that a netns
 * costs 328 bytes per CPU (with kept.c's two bound counts), not 1.5 KiB,
 * and the counts stay exact whatever a kernel does.  Readers sum both
 * into the full matrix.
 */
#include <linux/percpu.h>
#include <linux/slab.h>
#include <net/tcp_states.h>

#include "tcpstates.h"

/*
 * Every from->to pair the hooks see on 6.1, 6.12 and 7.x: the state
 * machine of RFC 793 as Linux runs it, a child's first change (from its
 * listener's state, copied), simultaneous open, TCP Fast Open's children
 * (SYN_RECV to FIN_WAIT1 or CLOSE_WAIT), repair mode (CLOSE to
 * ESTABLISHED), aborts and disconnects (any to CLOSE), the timewait
 * sockets' birth, substate change and end, the request sockets' birth
 * and end, and the repeated states the tracepoint reports.
 */
static const u8 tcps_trans_pairs[TCPS_TRANS_PAIRS][2] = {
	{ TCP_CLOSE, TCP_SYN_SENT }, { TCP_CLOSE, TCP_LISTEN },
	{ TCP_CLOSE, TCP_CLOSE }, { TCP_CLOSE, TCP_ESTABLISHED },
	{ TCP_LISTEN, TCP_CLOSE }, { TCP_LISTEN, TCP_NEW_SYN_RECV },
	{ TCP_LISTEN, TCP_SYN_RECV }, { TCP_LISTEN, TCP_LISTEN },
	{ TCP_NEW_SYN_RECV, TCP_SYN_RECV }, { TCP_NEW_SYN_RECV, TCP_CLOSE },
	{ TCP_NEW_SYN_RECV, TCP_ESTABLISHED },
	{ TCP_SYN_SENT, TCP_ESTABLISHED }, { TCP_SYN_SENT, TCP_CLOSE },
	{ TCP_SYN_SENT, TCP_SYN_RECV },
	{ TCP_SYN_RECV, TCP_ESTABLISHED }, { TCP_SYN_RECV, TCP_CLOSE },
	{ TCP_SYN_RECV, TCP_FIN_WAIT1 }, { TCP_SYN_RECV, TCP_CLOSE_WAIT },
	{ TCP_ESTABLISHED, TCP_FIN_WAIT1 }, { TCP_ESTABLISHED, TCP_CLOSE_WAIT },
	{ TCP_ESTABLISHED, TCP_CLOSE },
	{ TCP_FIN_WAIT1, TCP_FIN_WAIT2 }, { TCP_FIN_WAIT1, TCP_CLOSING },
	{ TCP_FIN_WAIT1, TCP_CLOSE }, { TCP_FIN_WAIT1, TCP_FIN_WAIT1 },
	{ TCP_FIN_WAIT1, TCP_TIME_WAIT },
	{ TCP_FIN_WAIT1, TCPS_TRANS_TW_FIN_WAIT2 },
	{ TCP_FIN_WAIT2, TCP_TIME_WAIT },
	{ TCP_FIN_WAIT2, TCPS_TRANS_TW_FIN_WAIT2 },
	{ TCP_FIN_WAIT2, TCP_CLOSE }, { TCP_FIN_WAIT2, TCP_FIN_WAIT2 },
	{ TCP_CLOSING, TCP_TIME_WAIT }, { TCP_CLOSING, TCP_CLOSE },
	{ TCP_CLOSE_WAIT, TCP_LAST_ACK }, { TCP_CLOSE_WAIT, TCP_CLOSE },
	{ TCP_LAST_ACK, TCP_CLOSE },
	{ TCP_TIME_WAIT, TCP_CLOSE },
	{ TCPS_TRANS_TW_FIN_WAIT2, TCP_TIME_WAIT },
	{ TCPS_TRANS_TW_FIN_WAIT2, TCP_CLOSE },
};

u8 tcps_pair_index[TCPS_TRANS_SLOTS][TCPS_TRANS_SLOTS] __read_mostly;

/* Fill tcps_pair_index; before any hook is attached. */
void tcps_pairs_init(void)
{
	unsigned int i;

	BUILD_BUG_ON(TCPS_TRANS_PAIRS >= U8_MAX);
	memset(tcps_pair_index, 0, sizeof(tcps_pair_index));
	for (i = 0; i < TCPS_TRANS_PAIRS; i++)
		tcps_pair_index[tcps_trans_pairs[i][0]]
			       [tcps_trans_pairs[i][1]] = i + 1;
}

/* Zeroed counters, or NULL. */
struct tcps_trans_store *tcps_pairs_alloc(gfp_t gfp)
{
	struct tcps_trans_store *s = kzalloc(sizeof(*s), gfp);

	if (!s)
		return NULL;
	s->cpu = alloc_percpu_gfp(struct tcps_trans_cpu, gfp);
	if (!s->cpu) {
		kfree(s);
		return NULL;
	}
	return s;
}

void tcps_pairs_free(struct tcps_trans_store *s)
{
	if (s)
		free_percpu(s->cpu);
	kfree(s);
}

/*
 * @sum: every CPU's counts and the others.  Each CPU's counters are read
 * while they move, so the sum is not one instant's, but every count in it
 * did happen.
 */
void tcps_pairs_sum(const struct tcps_trans_store *s,
		    struct tcps_trans_matrix *sum)
{
	unsigned int cpu, from, to, i;

	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++)
			sum->n[from][to] = atomic64_read(&s->other[from][to]);
	sum->bound[TCPS_BOUND_IN] = 0;
	sum->bound[TCPS_BOUND_OUT] = 0;
	for_each_possible_cpu(cpu) {
		const struct tcps_trans_cpu *c = per_cpu_ptr(s->cpu, cpu);

		sum->bound[TCPS_BOUND_IN] += READ_ONCE(c->bound[TCPS_BOUND_IN]);
		sum->bound[TCPS_BOUND_OUT] += READ_ONCE(c->bound[TCPS_BOUND_OUT]);

		for (i = 0; i < TCPS_TRANS_PAIRS; i++)
			sum->n[tcps_trans_pairs[i][0]][tcps_trans_pairs[i][1]] +=
				READ_ONCE(c->n[i]);
	}
}
