// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: kernel socket states to row states and names.  The module's
 * source is included so its static helpers are tested as they are built.
 */
#include <kunit/test.h>

#include "../module/states.c"

struct tcps_state_case {
	int kstate;
	int substate;
	u8 id;
	const char *name;
};

static const struct tcps_state_case tcps_state_cases[] = {
	{ TCP_ESTABLISHED, 0, TCPS_ESTABLISHED, "ESTABLISHED" },
	{ TCP_SYN_SENT, 0, TCPS_SYN_SENT, "SYN_SENT" },
	{ TCP_SYN_RECV, 0, TCPS_SYN_RECV, "SYN_RECV" },
	{ TCP_FIN_WAIT1, 0, TCPS_FIN_WAIT1, "FIN_WAIT1" },
	{ TCP_FIN_WAIT2, 0, TCPS_FIN_WAIT2, "FIN_WAIT2" },
	{ TCP_CLOSE, 0, TCPS_CLOSE, "CLOSE" },
	{ TCP_CLOSE_WAIT, 0, TCPS_CLOSE_WAIT, "CLOSE_WAIT" },
	{ TCP_LAST_ACK, 0, TCPS_LAST_ACK, "LAST_ACK" },
	{ TCP_LISTEN, 0, TCPS_LISTEN, "LISTEN" },
	{ TCP_CLOSING, 0, TCPS_CLOSING, "CLOSING" },
	/* Pseudo states fold the way /proc/net/tcp prints them. */
	{ TCP_NEW_SYN_RECV, 0, TCPS_SYN_RECV, "SYN_RECV" },
	{ TCP_TIME_WAIT, TCP_TIME_WAIT, TCPS_TIME_WAIT, "TIME_WAIT" },
	{ TCP_TIME_WAIT, TCP_FIN_WAIT2, TCPS_FIN_WAIT2, "FIN_WAIT2" },
	/* No row for anything else: BOUND_INACTIVE (6.8+), torn values. */
	{ TCP_NEW_SYN_RECV + 1, 0, 0, "UNKNOWN" },
	{ 0, 0, 0, "UNKNOWN" },
	{ -1, 0, 0, "UNKNOWN" },
	{ 255, 0, 0, "UNKNOWN" },
	{ TCP_TIME_WAIT, 0, 0, "UNKNOWN" },
	{ TCP_TIME_WAIT, TCP_NEW_SYN_RECV, 0, "UNKNOWN" },
};

static void tcps_state_case_desc(const struct tcps_state_case *c, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "state %d substate %d",
		 c->kstate, c->substate);
}

KUNIT_ARRAY_PARAM(tcps_state, tcps_state_cases, tcps_state_case_desc);

static void tcps_state_maps(struct kunit *test)
{
	const struct tcps_state_case *c = test->param_value;
	u8 id = tcps_state_of(c->kstate, c->substate);

	KUNIT_EXPECT_EQ(test, id, c->id);
	KUNIT_EXPECT_STREQ(test, tcps_state_name(id), c->name);
}

/* Every uapi id has its net-tools name, and only those ids have one. */
static void tcps_state_names_cover_uapi(struct kunit *test)
{
	static const char *const want[TCPS_STATE_SLOTS] = TCPS_STATE_NAMES;
	unsigned int id;

	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		KUNIT_EXPECT_STREQ(test, tcps_state_name(id), want[id]);
		KUNIT_EXPECT_LE(test, strlen(want[id]), TCPS_STATE_NAME_MAX);
	}
	KUNIT_EXPECT_STREQ(test, tcps_state_name(TCPS_STATE_LAST + 1),
			   "UNKNOWN");
}

static struct kunit_case tcps_state_test_cases[] = {
	KUNIT_CASE_PARAM(tcps_state_maps, tcps_state_gen_params),
	KUNIT_CASE(tcps_state_names_cover_uapi),
	{}
};

static struct kunit_suite tcps_state_suite = {
	.name = "tcpstates_states",
	.test_cases = tcps_state_test_cases,
};

kunit_test_suite(tcps_state_suite);
