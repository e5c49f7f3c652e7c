// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the set of sockets shown from the bind table (module/seen.c).
 */
#include <kunit/test.h>

#include "../module/seen.c"

/* Members are found, others not, across regrowths that rehash them. */
static void tcps_seen_grows(struct kunit *test)
{
	struct tcps_seen set = {}, *s = &set;
	const unsigned int n = 5000;
	unsigned long i, misses = 0;

	KUNIT_EXPECT_FALSE(test, tcps_seen_has(s, (void *)0x1000));
	/* Addresses a slab would give: 64-byte steps. */
	for (i = 1; i <= n; i++) {
		if (tcps_seen_reserve(s, 1)) {
			KUNIT_FAIL(test, "no memory for %lu entries", i);
			break;
		}
		tcps_seen_add(s, (void *)(0xffff888000000000UL + i * 64));
	}
	KUNIT_EXPECT_EQ(test, s->n, n);
	KUNIT_EXPECT_LE(test, s->n, (1U << s->bits) / 2);
	for (i = 1; i <= n; i++)
		misses += !tcps_seen_has(s, (void *)(0xffff888000000000UL + i * 64));
	KUNIT_EXPECT_EQ(test, misses, 0);
	KUNIT_EXPECT_FALSE(test, tcps_seen_has(s, (void *)(0xffff888000000000UL)));
	KUNIT_EXPECT_FALSE(test, tcps_seen_has(s, (void *)(0xffff888000000000UL + (n + 1) * 64)));

	/* Adding a member again changes nothing. */
	KUNIT_EXPECT_EQ(test, tcps_seen_reserve(s, 1), 0);
	if (s->bits)
		tcps_seen_add(s, (void *)(0xffff888000000000UL + 64));
	KUNIT_EXPECT_EQ(test, s->n, n);

	/* Cleared: empty, memory kept for the next read. */
	tcps_seen_clear(s);
	KUNIT_EXPECT_EQ(test, s->n, 0);
	KUNIT_EXPECT_NE(test, s->bits, 0);
	KUNIT_EXPECT_FALSE(test, tcps_seen_has(s, (void *)(0xffff888000000000UL + 64)));
	tcps_seen_free(s);
}

/* An absurd reservation fails and leaves the set as it was. */
static void tcps_seen_reserve_bounded(struct kunit *test)
{
	struct tcps_seen s = {};

	KUNIT_EXPECT_EQ(test, tcps_seen_reserve(&s, 0), 0);
	KUNIT_EXPECT_EQ(test, s.bits, 0);
	KUNIT_EXPECT_EQ(test, tcps_seen_reserve(&s, UINT_MAX), -ENOMEM);
	KUNIT_EXPECT_EQ(test, s.bits, 0);
	KUNIT_EXPECT_NULL(test, s.slots);
}

static struct kunit_case tcps_seen_test_cases[] = {
	KUNIT_CASE(tcps_seen_grows),
	KUNIT_CASE(tcps_seen_reserve_bounded),
	{}
};

static struct kunit_suite tcps_seen_suite = {
	.name = "tcpstates_seen",
	.test_cases = tcps_seen_test_cases,
};

kunit_test_suite(tcps_seen_suite);
