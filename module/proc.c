// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates: a seq_file over the walk.
 *
 * Records: the title (position 0), one per row, the counter block, EOF.
 * The iterator keeps the bucket it copied last and the position of the
 * record it points at, so each read() continues where the previous one
 * stopped: a whole read costs O(sockets) whatever the buffer size.  Only
 * a seek elsewhere (lseek, pread) walks again from the start, as
 * /proc/net/tcp does.
 *
 * The counters are added when a bucket is copied, and every copied row is
 * shown exactly once, so the block matches the rows above it even while
 * sockets come and go.  A read that finds no memory for a long chain
 * fails with ENOMEM and leaves the walk where it was (see
 * tcps_iter_fill()): the file never mixes two walks.
 *
 * seq_read_iter() renders at most m->size bytes per call, one page by
 * default, so a big read() or a sendfile() chunk would get 4 KiB a call;
 * tcps_read_iter() gives a big reader a bigger buffer (see there).
 */
#include <linux/cred.h>
#include <linux/err.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <net/net_namespace.h>

#include "tcpstates.h"

enum tcps_phase {
	TCPS_PHASE_TITLE,
	TCPS_PHASE_ROWS,
	TCPS_PHASE_FILL,	/* the next bucket is still to be copied */
	TCPS_PHASE_COUNTS,
	TCPS_PHASE_EOF,
};

struct tcps_iter {
	struct tcps_walk walk;
	enum tcps_phase phase;
	unsigned int row;	/* index in walk.rows in TCPS_PHASE_ROWS */
	loff_t pos;		/* position of the current record */
	u64 counts[TCPS_STATE_SLOTS];
};

/* The counter block's record; the title uses SEQ_START_TOKEN. */
static const char tcps_counts_token[] = "counts";

static void tcps_iter_rewind(struct tcps_iter *it)
{
	tcps_walk_rewind(&it->walk);
	it->phase = TCPS_PHASE_TITLE;
	it->row = 0;
	it->pos = 0;
	memset(it->counts, 0, sizeof(it->counts));
}

static void *tcps_iter_record(struct tcps_iter *it)
{
	switch (it->phase) {
	case TCPS_PHASE_TITLE:
		return SEQ_START_TOKEN;
	case TCPS_PHASE_ROWS:
		return &it->walk.rows[it->row];
	case TCPS_PHASE_COUNTS:
		return (void *)tcps_counts_token;
	default:
		return NULL;
	}
}

static void tcps_count_rows(u64 *counts, const struct tcps_row *rows,
			    unsigned int n)
{
	while (n--)
		counts[rows[n].state]++;
}

/*
 * Copy the next non-empty bucket and count its rows, if that is what the
 * iterator waits for.  When it fails (no memory for a long chain) nothing
 * moves: the walk stays at that bucket, so a later read retries the same
 * step of the same walk, and the bytes a reader got before and gets after
 * come from one walk.
 */
static int tcps_iter_fill(struct tcps_iter *it)
{
	int n;

	if (it->phase != TCPS_PHASE_FILL)
		return 0;
	n = tcps_walk_next(&it->walk);
	if (n < 0)
		return n;
	it->row = 0;
	it->phase = n ? TCPS_PHASE_ROWS : TCPS_PHASE_COUNTS;
	tcps_count_rows(it->counts, it->walk.rows, n);
	return 0;
}

/* Step to the next record, and copy it if it is in a bucket to copy. */
static int tcps_iter_advance(struct tcps_iter *it)
{
	switch (it->phase) {
	case TCPS_PHASE_TITLE:
		it->phase = TCPS_PHASE_FILL;
		break;
	case TCPS_PHASE_ROWS:
		if (++it->row == it->walk.nrows)
			it->phase = TCPS_PHASE_FILL;
		break;
	case TCPS_PHASE_COUNTS:
		it->phase = TCPS_PHASE_EOF;
		break;
	case TCPS_PHASE_FILL:	/* never: the record was filled first */
	case TCPS_PHASE_EOF:
		break;
	}
	it->pos++;
	return tcps_iter_fill(it);
}

static void *tcps_seq_start(struct seq_file *m, loff_t *pos)
{
	struct tcps_iter *it = m->private;
	int err;

	/* Anywhere but where the last read stopped: walk again. */
	if (*pos != it->pos) {
		tcps_iter_rewind(it);
		while (it->pos < *pos && it->phase != TCPS_PHASE_EOF) {
			err = tcps_iter_advance(it);
			if (err)
				return ERR_PTR(err);
		}
		if (it->pos != *pos)
			return NULL;
	}
	err = tcps_iter_fill(it);
	if (err)
		return ERR_PTR(err);
	return tcps_iter_record(it);
}

static void *tcps_seq_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct tcps_iter *it = m->private;
	int err;

	/* seq_file wants the position to move even when we fail. */
	++*pos;
	err = tcps_iter_advance(it);
	if (err)
		return ERR_PTR(err);
	return tcps_iter_record(it);
}

static void tcps_seq_stop(struct seq_file *m, void *v)
{
	/* Nothing is held between records. */
}

static int tcps_seq_show(struct seq_file *m, void *v)
{
	struct tcps_iter *it = m->private;
	char buf[TCPS_ROW_MAX];

	if (v == SEQ_START_TOKEN)
		tcps_render_header(m, it->walk.net->ns.inum);
	else if (v == tcps_counts_token)
		tcps_render_counts(m, it->counts);
	else
		seq_write(m, buf, tcps_render_row(buf, v));
	return 0;
}

static const struct seq_operations tcps_seq_ops = {
	.start	= tcps_seq_start,
	.next	= tcps_seq_next,
	.stop	= tcps_seq_stop,
	.show	= tcps_seq_show,
};

/* Make @file a reader of @net's tables; consumes the reference on @net. */
static int tcps_seq_open_net(struct inode *inode, struct file *file,
			     struct net *net)
{
	struct tcps_iter *it;
	int err;

	it = __seq_open_private(file, &tcps_seq_ops, sizeof(*it));
	if (!it) {
		put_net(net);
		return -ENOMEM;
	}
	err = tcps_walk_init(&it->walk, net, file->f_cred->user_ns);
	if (err) {
		put_net(net);
		seq_release_private(inode, file);
		return err;
	}
	tcps_iter_rewind(it);
	return 0;
}

static int tcps_proc_open(struct inode *inode, struct file *file)
{
	/*
	 * Read-only for everyone: root passes the 0444 mode check, so
	 * refuse writers here, before anything is set up.
	 */
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;

	/* The reader's netns at open(), pinned until release(). */
	return tcps_seq_open_net(inode, file,
				 get_net(current->nsproxy->net_ns));
}

static int tcps_proc_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct tcps_iter *it = m->private;

	put_net(it->walk.net);
	tcps_walk_destroy(&it->walk);
	return seq_release_private(inode, file);
}

/*
 * A pipe's worth: sendfile() and splice() hand seq_read_iter() up to 16
 * pages at once (copy_splice_read() allocates them all first), and cat's
 * read()s ask for 64 KiB (busybox) or 128 KiB (GNU).
 */
#define TCPS_READ_BUF	(64 * 1024)

/*
 * Swap in a TCPS_READ_BUF buffer before a read that asks for more than a
 * page, so that one call renders as much as the caller takes instead of
 * a page (each call also renders the record that did not fit once more).
 * Only while the buffer holds nothing still to be read: seq_read_iter()
 * keeps those bytes in m->buf.  Lazily, so an open file costs nothing
 * and a reader of a few bytes keeps seq_file's page.  Charged to the
 * reader; without the memory the read goes on with the buffer it had.
 */
static void tcps_grow_buf(struct seq_file *m, size_t want)
{
	char *buf;

	if (want <= PAGE_SIZE || m->size >= TCPS_READ_BUF || m->count)
		return;
	buf = kvmalloc(TCPS_READ_BUF, TCPS_GFP_READER);
	if (!buf)
		return;
	kvfree(m->buf);
	m->buf = buf;
	m->size = TCPS_READ_BUF;
}

static ssize_t tcps_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct seq_file *m = iocb->ki_filp->private_data;

	/* seq_read_iter() takes the same lock: m->buf is its state. */
	mutex_lock(&m->lock);
	tcps_grow_buf(m, iov_iter_count(to));
	mutex_unlock(&m->lock);
	return seq_read_iter(iocb, to);
}

static const struct proc_ops tcps_proc_ops = {
	.proc_open	= tcps_proc_open,
	.proc_read_iter	= tcps_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= tcps_proc_release,
};

/**
 * tcps_proc_init - create /proc/tcpstates
 *
 * Return: 0 or -ENOMEM.
 */
int tcps_proc_init(void)
{
	if (!proc_create("tcpstates", 0444, NULL, &tcps_proc_ops))
		return -ENOMEM;
	return 0;
}

/**
 * tcps_proc_exit - remove /proc/tcpstates
 *
 * Waits for readers inside a call and releases files still open, so the
 * module text and every netns reference are gone when it returns.
 */
void tcps_proc_exit(void)
{
	remove_proc_entry("tcpstates", NULL);
}
