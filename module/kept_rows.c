// SPDX-License-Identifier: GPL-2.0
/*
 * What the transition counters say about the rows: each from->to pair
 * the hooks count makes a row, ends one, or moves one to another state,
 * according to the hook that counts it (trans.c); kept.c adds a seed.
 */
#include <linux/string.h>
#include <linux/tcpstates.h>
#include <net/tcp_states.h>

#include "tcpstates.h"

/* A slot as the row it is: a request shows in SYN_RECV, ... */
static u8 tcps_kept_row(u8 slot)
{
	if (slot == TCPS_TRANS_NEW_SYN_RECV)
		return TCPS_SYN_RECV;
	if (slot == TCPS_TRANS_TW_FIN_WAIT2)
		return TCPS_FIN_WAIT2;
	if (slot == TCPS_TRANS_OTHER || slot > TCPS_STATE_LAST)
		return 0;
	return slot;	/* TCP_* and TCPS_* agree from 1 to 11 */
}

/*
 * What @n changes @from -> @to do to the rows, into @k: which row a pair
 * leaves and which it enters depends on the hook that counts it.
 */
static void tcps_kept_apply(s64 *k, u8 from, u8 to, s64 n)
{
	u8 out = 0, in = 0;

	if (from == to)
		return;
	if (to == TCPS_TRANS_NEW_SYN_RECV) {
		in = to;			/* a request hashed */
	} else if (from == TCPS_TRANS_NEW_SYN_RECV) {
		out = from;			/* its end; a child counts apart */
	} else if (from == TCP_TIME_WAIT || from == TCPS_TRANS_TW_FIN_WAIT2) {
		out = from;			/* a timewait socket's end ... */
		if (to == TCP_TIME_WAIT)
			in = to;		/* ... or its FIN_WAIT2 ending */
	} else if (to == TCP_TIME_WAIT || to == TCPS_TRANS_TW_FIN_WAIT2) {
		in = to;	/* a timewait socket born; the full one goes to CLOSE */
	} else {
		/*
		 * A full socket.  CLOSE is no row here (the bound counts are);
		 * a child's first change comes from its listener's state.
		 */
		if (from != TCP_CLOSE &&
		    !(to == TCP_SYN_RECV && from != TCP_SYN_SENT))
			out = from;
		if (to != TCP_CLOSE)
			in = to;
	}
	k[tcps_kept_row(out)] -= n;
	k[tcps_kept_row(in)] += n;
}

/**
 * tcps_kept_derive - the rows a netns's counters account for
 * @m: the netns's summed counters
 * @k: TCPS_STATE_SLOTS counts to fill: the rows made minus the rows ended
 *     since the counters began (slot 0 unused)
 */
void tcps_kept_derive(const struct tcps_trans_matrix *m, s64 *k)
{
	unsigned int from, to;

	memset(k, 0, TCPS_STATE_SLOTS * sizeof(*k));
	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++)
			tcps_kept_apply(k, from, to, m->n[from][to]);
	k[TCPS_CLOSE] += m->bound[TCPS_BOUND_IN] - m->bound[TCPS_BOUND_OUT];
	k[0] = 0;	/* what is no row */
}

/**
 * tcps_kept_events - every change the counters counted
 * @m: the netns's summed counters
 *
 * They only grow: two equal sums mean no change in between.
 */
u64 tcps_kept_events(const struct tcps_trans_matrix *m)
{
	unsigned int from, to;
	u64 sum = m->bound[TCPS_BOUND_IN] + m->bound[TCPS_BOUND_OUT];

	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++)
			sum += m->n[from][to];
	return sum;
}
