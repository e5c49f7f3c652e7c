// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the seq_file iterator.  Reads of a netns's file through every
 * buffer size must give the same bytes as one big read, a seek back must
 * start a fresh walk, and the counter block must count the rows above it.
 * Two reads are two walks, whose timer and idle figures differ by the
 * time between them: those are masked out (tcps_test_mask()) before two
 * reads are compared.
 */
#include <kunit/test.h>
#include <linux/anon_inodes.h>
#include <linux/delay.h>
#include <linux/file.h>

#include "../module/proc.c"
#include "sockets.h"

#define TCPS_TEST_FILE_MAX	(256 * 1024)
/* "One pass": a read far larger than the whole text. */
#define TCPS_TEST_ONE_PASS	(128 * 1024)

static const struct file_operations tcps_test_fops = {
	.owner		= THIS_MODULE,
	.read_iter	= seq_read_iter,
	.llseek		= seq_lseek,
	.release	= tcps_proc_release,
};

static void tcps_test_fput(void *file)
{
	/* A kthread has no task_work: release now, not from a worker. */
	__fput_sync(file);
}

/* The file /proc/tcpstates would be for a reader inside @net. */
static struct file *tcps_test_open(struct kunit *test, struct net *net)
{
	struct file *f;

	f = anon_inode_getfile("[tcpstates-kunit]", &tcps_test_fops, NULL,
			       O_RDONLY);
	KUNIT_ASSERT_FALSE(test, IS_ERR(f));
	KUNIT_ASSERT_EQ(test, tcps_seq_open_net(file_inode(f), f,
						get_net(net)), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tcps_test_fput,
							f), 0);
	return f;
}

/* Read @f from its position to EOF in @chunk-byte reads. */
static size_t tcps_test_read(struct kunit *test, struct file *f, char *buf,
			     size_t chunk)
{
	size_t len = 0;
	ssize_t n;

	do {
		KUNIT_ASSERT_LE(test, len + chunk, TCPS_TEST_FILE_MAX);
		n = kernel_read(f, buf + len, chunk, &f->f_pos);
		KUNIT_ASSERT_GE(test, n, 0);
		len += n;
	} while (n > 0);
	return len;
}

/*
 * @buf's text with the figures of the Timer and Idle columns (and the
 * spaces that pad them) taken out of each row, in place: what stays the
 * same from one read of a settled netns to the next.  Return its length.
 */
static size_t tcps_test_mask(char *buf, size_t len)
{
	size_t i = 0, o = 0;
	unsigned int field;
	bool row, gap;
	char c;

	while (i < len) {
		row = len - i >= 3 && !memcmp(buf + i, "tcp", 3);
		field = 0;
		gap = false;
		for (; i < len && buf[i] != '\n'; i++) {
			c = buf[i];
			if (row && c == ' ' && !gap)
				field++;
			gap = c == ' ';
			/* Fields 8 and 9: Timer and Idle. */
			if (row && field >= 8 &&
			    (c == ' ' || c == '.' || isdigit(c)))
				continue;
			buf[o++] = c;
		}
		if (i < len)
			buf[o++] = buf[i++];
	}
	return o;
}

static char *tcps_test_buf(struct kunit *test)
{
	char *buf = kunit_kzalloc(test, TCPS_TEST_FILE_MAX, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

/* Listeners in one long chain, connections in both families. */
static void tcps_test_populate(struct kunit *test, struct net *net)
{
	struct tcps_test_conn c4, c6;
	struct socket *l4, *l6;
	u16 port, again;
	int i;

	tcps_test_listener(test, net, AF_INET, 0, true, &port);
	for (i = 0; i < 40; i++)
		tcps_test_listener(test, net, AF_INET, port, true, &again);
	l4 = tcps_test_listener(test, net, AF_INET, 0, false, &port);
	tcps_test_connect(test, net, AF_INET, l4, port, &c4);
	l6 = tcps_test_listener(test, net, AF_INET6, 0, false, &port);
	tcps_test_connect(test, net, AF_INET6, l6, port, &c6);
}

/*
 * One big read, taken when the netns has settled (earlier RSTs done),
 * masked.
 */
static size_t tcps_test_stable_read(struct kunit *test, struct net *net,
				    char *buf)
{
	char *again = tcps_test_buf(test);
	size_t len, len2 = 0;
	int tries;

	len = tcps_test_read(test, tcps_test_open(test, net), buf,
			     TCPS_TEST_ONE_PASS);
	len = tcps_test_mask(buf, len);
	for (tries = 0; tries < 100; tries++) {
		msleep(20);
		len2 = tcps_test_read(test, tcps_test_open(test, net), again,
				      TCPS_TEST_ONE_PASS);
		len2 = tcps_test_mask(again, len2);
		if (len2 == len && !memcmp(buf, again, len))
			break;
		memcpy(buf, again, len2);
		len = len2;
	}
	KUNIT_ASSERT_LT(test, tries, 100);
	return len;
}

static const size_t tcps_chunks[] = { 1, 7, 64, 100, 4096, 65536 };

static void tcps_chunk_desc(const size_t *chunk, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "%zu-byte reads", *chunk);
}

KUNIT_ARRAY_PARAM(tcps_chunk, tcps_chunks, tcps_chunk_desc);

static void tcps_proc_chunked_equals_one_pass(struct kunit *test)
{
	size_t chunk = *(const size_t *)test->param_value;
	struct net *net = tcps_test_netns(test);
	char *whole = tcps_test_buf(test), *pieces = tcps_test_buf(test);
	size_t len, len2;

	tcps_test_populate(test, net);
	len = tcps_test_stable_read(test, net, whole);
	len2 = tcps_test_read(test, tcps_test_open(test, net), pieces, chunk);
	len2 = tcps_test_mask(pieces, len2);
	KUNIT_EXPECT_EQ(test, len2, len);
	KUNIT_EXPECT_MEMEQ(test, pieces, whole, min(len, len2));
}

static void tcps_proc_seek_back_walks_again(struct kunit *test)
{
	struct net *net = tcps_test_netns(test);
	char *whole = tcps_test_buf(test), *after = tcps_test_buf(test);
	struct file *f;
	size_t len, len2, raw, mid;
	char *w_line, *a_line;

	tcps_test_populate(test, net);
	len = tcps_test_stable_read(test, net, whole);
	f = tcps_test_open(test, net);
	KUNIT_ASSERT_EQ(test, kernel_read(f, after, 500, &f->f_pos), 500);
	KUNIT_ASSERT_EQ(test, vfs_llseek(f, 0, SEEK_SET), 0);
	raw = tcps_test_read(test, f, after, 4096);
	len2 = tcps_test_mask(after, raw);
	KUNIT_EXPECT_EQ(test, len2, len);
	KUNIT_EXPECT_MEMEQ(test, after, whole, min(len, len2));

	/*
	 * And a seek into the middle lands on the same bytes: compared from
	 * the next line on, masked, against a read from the start made
	 * just before (in a settled netns, rows keep their lengths for
	 * the first 10 s of their sockets' lives).
	 */
	KUNIT_ASSERT_EQ(test, vfs_llseek(f, 0, SEEK_SET), 0);
	raw = tcps_test_read(test, f, whole, 4096);
	mid = raw / 2;
	KUNIT_ASSERT_EQ(test, vfs_llseek(f, mid, SEEK_SET), mid);
	len2 = tcps_test_read(test, f, after, 333);
	KUNIT_EXPECT_EQ(test, len2, raw - mid);
	w_line = memchr(whole + mid, '\n', raw - mid);
	a_line = memchr(after, '\n', len2);
	KUNIT_ASSERT_NOT_NULL(test, w_line);
	KUNIT_ASSERT_NOT_NULL(test, a_line);
	KUNIT_ASSERT_EQ(test, a_line - after, w_line - (whole + mid));
	len = tcps_test_mask(w_line + 1, whole + raw - w_line - 1);
	len2 = tcps_test_mask(a_line + 1, after + len2 - a_line - 1);
	KUNIT_EXPECT_EQ(test, len2, len);
	KUNIT_EXPECT_MEMEQ(test, a_line + 1, w_line + 1, min(len, len2));
}

/* Parse the text: the counter block must add up the rows above it. */
static void tcps_proc_counts_match_rows(struct kunit *test)
{
	struct net *net = tcps_test_netns(test);
	char *buf = tcps_test_buf(test), *line, *p;
	unsigned long long count, total = 0, sum = 0;
	unsigned int rows = 0, per_state[TCPS_STATE_SLOTS] = {}, id = 0;
	char name[16];
	int part = 0;

	tcps_test_populate(test, net);
	p = buf;
	p[tcps_test_stable_read(test, net, buf)] = '\0';
	while ((line = strsep(&p, "\n")) && part < 3) {
		if (!*line) {
			part = 2;
		} else if (part == 0) {
			part = !strncmp(line, "Proto", 5);
		} else if (part == 1) {
			for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
				if (strstr(line, tcps_state_name(id)))
					break;
			KUNIT_ASSERT_LE_MSG(test, id, TCPS_STATE_LAST, "%s", line);
			per_state[id]++;
			rows++;
		} else if (sscanf(line, "%15s %llu", name, &count) == 2) {
			if (!strcmp(name, TCPSTATES_TOTAL_NAME)) {
				total = count;
				part = 3;
				continue;
			}
			for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
				if (!strcmp(name, tcps_state_name(id)))
					break;
			KUNIT_ASSERT_LE_MSG(test, id, TCPS_STATE_LAST, "%s", line);
			KUNIT_EXPECT_EQ_MSG(test, count, per_state[id], "%s", name);
			sum += count;
		}
	}
	KUNIT_EXPECT_EQ(test, part, 3);
	KUNIT_EXPECT_GE(test, rows, 45);
	KUNIT_EXPECT_EQ(test, total, rows);
	KUNIT_EXPECT_EQ(test, sum, rows);
}

static void tcps_proc_count_rows(struct kunit *test)
{
	struct tcps_row rows[5] = {
		{ .state = TCPS_LISTEN }, { .state = TCPS_ESTABLISHED },
		{ .state = TCPS_ESTABLISHED }, { .state = TCPS_TIME_WAIT },
		{ .state = TCPS_CLOSING },
	};
	u64 counts[TCPS_STATE_SLOTS] = {};

	tcps_count_rows(counts, rows, ARRAY_SIZE(rows));
	tcps_count_rows(counts, rows, 2);
	KUNIT_EXPECT_EQ(test, counts[TCPS_LISTEN], 2);
	KUNIT_EXPECT_EQ(test, counts[TCPS_ESTABLISHED], 3);
	KUNIT_EXPECT_EQ(test, counts[TCPS_TIME_WAIT], 1);
	KUNIT_EXPECT_EQ(test, counts[TCPS_CLOSING], 1);
	KUNIT_EXPECT_EQ(test, counts[TCPS_SYN_SENT], 0);
	KUNIT_EXPECT_EQ(test, counts[0], 0);
}

static struct kunit_case tcps_proc_test_cases[] = {
	KUNIT_CASE(tcps_proc_count_rows),
	KUNIT_CASE_PARAM(tcps_proc_chunked_equals_one_pass,
			 tcps_chunk_gen_params),
	KUNIT_CASE(tcps_proc_seek_back_walks_again),
	KUNIT_CASE(tcps_proc_counts_match_rows),
	{}
};

static struct kunit_suite tcps_proc_suite = {
	.name = "tcpstates_proc",
	.test_cases = tcps_proc_test_cases,
};

kunit_test_suite(tcps_proc_suite);
