// SPDX-License-Identifier: GPL-2.0
/*
 * A set of socket addresses, for the sockets a read showed from the bind
 * table: open addressing with linear probing, at most half full.  Room
 * is made before a bucket lock is taken (tcps_seen_reserve()), so adding
 * never allocates; the memory is the reader's, charged like the rows.
 */
#include <linux/hash.h>
#include <linux/log2.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "tcpstates.h"

/*
 * The slot of @key in @slots (1 << @bits of them, at most half full):
 * where it is, or the free slot where it would go.
 */
static unsigned int tcps_seen_find(const unsigned long *slots,
				   unsigned int bits, unsigned long key)
{
	unsigned int mask = (1U << bits) - 1, i;

	for (i = hash_long(key, bits); slots[i] && slots[i] != key;
	     i = (i + 1) & mask)
		;
	return i;
}

/**
 * tcps_seen_has - whether @obj was added
 * @s: the set
 * @obj: a socket's address
 */
bool tcps_seen_has(const struct tcps_seen *s, const void *obj)
{
	unsigned long key = (unsigned long)obj;

	return s->n && s->slots[tcps_seen_find(s->slots, s->bits, key)] == key;
}

/**
 * tcps_seen_room - how many more tcps_seen_add() calls there is room for
 * @s: the set
 */
unsigned int tcps_seen_room(const struct tcps_seen *s)
{
	return s->bits ? (1U << s->bits) / 2 - s->n : 0;
}

/**
 * tcps_seen_reserve - make room for @more additions
 * @s: the set
 * @more: how many tcps_seen_add() calls may follow
 *
 * Sleeps.  Return: 0, or -ENOMEM with @s unchanged.
 */
int tcps_seen_reserve(struct tcps_seen *s, unsigned int more)
{
	unsigned int want = s->n + more, bits, i;
	unsigned long *slots;

	if (!more)
		return 0;
	if (want < s->n || want > (1U << 30))
		return -ENOMEM;
	if (more <= tcps_seen_room(s))
		return 0;
	bits = max(ilog2(roundup_pow_of_two(want)) + 1, 6);
	slots = kvcalloc(1UL << bits, sizeof(*slots), TCPS_GFP_READER);
	if (!slots)
		return -ENOMEM;
	for (i = 0; s->bits && i < (1U << s->bits); i++)
		if (s->slots[i])
			slots[tcps_seen_find(slots, bits, s->slots[i])] = s->slots[i];
	kvfree(s->slots);
	s->slots = slots;
	s->bits = bits;
	return 0;
}

/**
 * tcps_seen_add - add @obj, with room reserved
 * @s: the set
 * @obj: a socket's address
 */
void tcps_seen_add(struct tcps_seen *s, const void *obj)
{
	unsigned long key = (unsigned long)obj;
	unsigned int i;

	if (WARN_ON_ONCE(!tcps_seen_room(s)))
		return;
	i = tcps_seen_find(s->slots, s->bits, key);
	if (s->slots[i])
		return;		/* already in */
	s->slots[i] = key;
	s->n++;
}

/**
 * tcps_seen_clear - empty the set, keeping its memory
 * @s: the set
 */
void tcps_seen_clear(struct tcps_seen *s)
{
	if (s->n)
		memset(s->slots, 0, sizeof(*s->slots) << s->bits);
	s->n = 0;
}

/**
 * tcps_seen_free - free the set's memory
 * @s: the set
 */
void tcps_seen_free(struct tcps_seen *s)
{
	kvfree(s->slots);
	s->slots = NULL;
	s->n = 0;
	s->bits = 0;
}
