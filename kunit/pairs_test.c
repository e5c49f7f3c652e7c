// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the transition counters of a netns (module/trans_pairs.c): every
 * pair of slots counted exactly, the listed ones per CPU, the others in
 * the shared matrix, and summed into the cell of their own pair.
 */
#include <kunit/test.h>

#include "../module/trans_pairs.c"

/* Each listed pair has one index, each index one pair. */
static void tcps_pairs_listed_once(struct kunit *test)
{
	unsigned int seen[TCPS_TRANS_PAIRS + 1] = {}, from, to, i;

	tcps_pairs_init();
	for (i = 0; i < TCPS_TRANS_PAIRS; i++) {
		KUNIT_EXPECT_LT(test, tcps_trans_pairs[i][0], TCPS_TRANS_SLOTS);
		KUNIT_EXPECT_LT(test, tcps_trans_pairs[i][1], TCPS_TRANS_SLOTS);
	}
	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++)
			seen[tcps_pair_index[from][to]]++;
	for (i = 1; i <= TCPS_TRANS_PAIRS; i++)
		KUNIT_EXPECT_EQ_MSG(test, seen[i], 1, "pair index %u", i);
	KUNIT_EXPECT_EQ(test, seen[0],
			TCPS_TRANS_SLOTS * TCPS_TRANS_SLOTS - TCPS_TRANS_PAIRS);
}

/* A count for every cell, different per cell and per CPU. */
static u64 tcps_pairs_want(unsigned int from, unsigned int to)
{
	return (from * 7 + to * 3) % 5;
}

static void tcps_pairs_exact(struct kunit *test)
{
	struct tcps_trans_matrix *sum;
	struct tcps_trans_store *s;
	unsigned int from, to, cpu, i, bad = 0, misplaced = 0;
	u64 k, per_cpu = 0;

	tcps_pairs_init();
	s = tcps_pairs_alloc(GFP_KERNEL);
	sum = kunit_kzalloc(test, sizeof(*sum), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, sum);

	/* Through the probes' path, on this CPU. */
	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++)
			for (k = 0; k < tcps_pairs_want(from, to); k++) {
				preempt_disable();
				tcps_pairs_count(s, from, to);
				preempt_enable();
			}
	/* And on every CPU's copy: each adds cpu + 1 to each listed pair. */
	for_each_possible_cpu(cpu) {
		for (i = 0; i < TCPS_TRANS_PAIRS; i++)
			per_cpu_ptr(s->cpu, cpu)->n[i] += cpu + 1;
		per_cpu += cpu + 1;
	}

	tcps_pairs_sum(s, sum);
	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++) {
			bool listed = tcps_pair_index[from][to];
			u64 want = tcps_pairs_want(from, to) +
				   (listed ? per_cpu : 0);

			bad += sum->n[from][to] != want;
			/* The shared matrix holds the unlisted ones only. */
			misplaced += atomic64_read(&s->other[from][to]) !=
				     (listed ? 0 : tcps_pairs_want(from, to));
		}
	KUNIT_EXPECT_EQ(test, bad, 0);
	KUNIT_EXPECT_EQ(test, misplaced, 0);
	tcps_pairs_free(s);
}

static struct kunit_case tcps_pairs_cases[] = {
	KUNIT_CASE(tcps_pairs_listed_once),
	KUNIT_CASE(tcps_pairs_exact),
	{}
};

static struct kunit_suite tcps_pairs_suite = {
	.name = "tcpstates_pairs",
	.test_cases = tcps_pairs_cases,
};

kunit_test_suite(tcps_pairs_suite);
