// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel socket states to the states a row shows, and their names.
 */
#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <net/tcp_states.h>

#include "tcpstates.h"

static const char *const tcps_state_names[] = TCPS_STATE_NAMES;

/*
 * The uapi ids are the kernel's values, so a row state is the kernel
 * state after folding the pseudo states, and /proc/net/tcp's hex column
 * means the same thing.  Break the build if either list ever moves.
 */
#define TCPS_SAME_ID(ours, kernels) BUILD_BUG_ON((int)(ours) != (int)(kernels))

static inline void tcps_states_build_check(void)
{
	TCPS_SAME_ID(TCPS_ESTABLISHED, TCP_ESTABLISHED);
	TCPS_SAME_ID(TCPS_SYN_SENT, TCP_SYN_SENT);
	TCPS_SAME_ID(TCPS_SYN_RECV, TCP_SYN_RECV);
	TCPS_SAME_ID(TCPS_FIN_WAIT1, TCP_FIN_WAIT1);
	TCPS_SAME_ID(TCPS_FIN_WAIT2, TCP_FIN_WAIT2);
	TCPS_SAME_ID(TCPS_TIME_WAIT, TCP_TIME_WAIT);
	TCPS_SAME_ID(TCPS_CLOSE, TCP_CLOSE);
	TCPS_SAME_ID(TCPS_CLOSE_WAIT, TCP_CLOSE_WAIT);
	TCPS_SAME_ID(TCPS_LAST_ACK, TCP_LAST_ACK);
	TCPS_SAME_ID(TCPS_LISTEN, TCP_LISTEN);
	TCPS_SAME_ID(TCPS_CLOSING, TCP_CLOSING);
	BUILD_BUG_ON(TCPS_STATE_LAST + 1 != TCP_NEW_SYN_RECV);
	BUILD_BUG_ON(ARRAY_SIZE(tcps_state_names) != TCPS_STATE_SLOTS);
}

/**
 * tcps_state_of - the state a socket's row shows
 * @kstate: sk->sk_state as read
 * @tw_substate: tw_substate when @kstate is TCP_TIME_WAIT, else ignored
 *
 * Request sockets show SYN_RECV, timewait sockets their substate (an
 * orphaned FIN_WAIT2 socket lives on as a timewait socket), as
 * /proc/net/tcp prints them.
 *
 * Return: a TCPS_* id, or 0 for a state no row may show (a pseudo state
 * such as TCP_BOUND_INACTIVE, or a torn value).
 */
u8 tcps_state_of(int kstate, int tw_substate)
{
	tcps_states_build_check();

	if (kstate == TCP_TIME_WAIT)
		kstate = tw_substate;
	else if (kstate == TCP_NEW_SYN_RECV)
		kstate = TCP_SYN_RECV;

	if (kstate < TCPS_STATE_FIRST || kstate > TCPS_STATE_LAST)
		return 0;
	return kstate;
}

/**
 * tcps_state_name - the net-tools name of a TCPS_* id
 * @id: a TCPS_* id
 *
 * Return: the name, or "UNKNOWN" for an id outside the uapi range.
 */
const char *tcps_state_name(unsigned int id)
{
	if (id < TCPS_STATE_FIRST || id > TCPS_STATE_LAST)
		return "UNKNOWN";
	return tcps_state_names[id];
}
