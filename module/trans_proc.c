// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates_transitions (the from->to matrix and which hooks feed
 * it) and /proc/tcpstates_transitions_log (the latest transitions), both
 * of the reader's netns at open().  The format is in the uapi header.
 *
 * Two files, not one: the matrix is cheap to read and small, the log is a
 * snapshot of every CPU's ring that a poller of the matrix should not pay
 * for.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/socket.h>
#include <net/net_namespace.h>

#include "tcpstates.h"

/* The names under /proc, from the uapi paths. */
#define TCPS_PROC_NAME(path)	((path) + sizeof("/proc/") - 1)
#define TCPS_TRANS_NAME		TCPS_PROC_NAME(TCPSTATES_TRANS_PROC_PATH)
#define TCPS_TRANS_LOG_NAME	TCPS_PROC_NAME(TCPSTATES_TRANS_LOG_PROC_PATH)
#define TCPS_FOLLOW_NAME	TCPS_PROC_NAME(TCPSTATES_TRANS_FOLLOW_PROC_PATH)

/* Column widths. */
#define TCPS_W_HOOK	11
#define TCPS_W_STATUS	10
#define TCPS_W_MISSED	6
#define TCPS_W_STATE	12	/* the longest, NEW_SYN_RECV */
#define TCPS_W_COUNT	10
#define TCPS_W_TIME	20
#define TCPS_W_NETNS	10
#define TCPS_W_PROTO	5
#define TCPS_W_ADDR	23

static const char *tcps_trans_state_name(unsigned int slot)
{
	switch (slot) {
	case TCPS_TRANS_NEW_SYN_RECV:
		return TCPS_TRANS_NEW_SYN_RECV_NAME;
	case TCPS_TRANS_TW_FIN_WAIT2:
		return TCPS_TRANS_TW_FIN_WAIT2_NAME;
	case TCPS_TRANS_OTHER:
		return TCPS_TRANS_OTHER_NAME;
	default:
		return tcps_state_name(slot);
	}
}

static void tcps_show_hooks(struct seq_file *m)
{
	struct tcps_trans_hook hooks[TCPS_TRANS_HOOKS];
	unsigned int i;

	tcps_trans_hooks(hooks);
	seq_printf(m, "%-*s %-*s %*s %s\n", TCPS_W_HOOK, "Hook",
		   TCPS_W_STATUS, "Status", TCPS_W_MISSED, "Missed", "Source");
	for (i = 0; i < TCPS_TRANS_HOOKS; i++) {
		const struct tcps_trans_hook *h = &hooks[i];

		seq_printf(m, "%-*s ", TCPS_W_HOOK, h->name);
		if (h->err)
			seq_printf(m, "%-*s %*s %s %s: error %d\n", TCPS_W_STATUS,
				   "unobserved", TCPS_W_MISSED, "-", h->kind,
				   h->target, h->err);
		else
			seq_printf(m, "%-*s %*lu %s %s\n", TCPS_W_STATUS,
				   "attached", TCPS_W_MISSED, h->missed, h->kind,
				   h->target);
	}
}

static int tcps_trans_show(struct seq_file *m, void *v)
{
	struct net *net = m->private;
	struct tcps_trans_matrix *sum;
	unsigned int from, to;
	int err;

	/* 1.5 KiB: too much for the stack. */
	sum = kmalloc(sizeof(*sum), TCPS_GFP_READER);
	if (!sum)
		return -ENOMEM;
	err = tcps_trans_counts(net, sum);
	if (err)
		goto out;

	seq_printf(m, "%s %u: TCP state transitions of net namespace %u\n",
		   TCPSTATES_TRANS_MAGIC, TCPSTATES_TRANS_FORMAT_VERSION,
		   net->ns.inum);
	tcps_show_hooks(m);
	seq_printf(m, "\n%-*s %-*s %*s\n", TCPS_W_STATE, "From",
		   TCPS_W_STATE, "To", TCPS_W_COUNT, "Count");
	for (from = 0; from < TCPS_TRANS_SLOTS; from++)
		for (to = 0; to < TCPS_TRANS_SLOTS; to++)
			if (sum->n[from][to])
				seq_printf(m, "%-*s %-*s %*llu\n", TCPS_W_STATE,
					   tcps_trans_state_name(from),
					   TCPS_W_STATE,
					   tcps_trans_state_name(to),
					   TCPS_W_COUNT, sum->n[from][to]);
out:
	kfree(sum);
	return err;
}

static int tcps_trans_open(struct inode *inode, struct file *file)
{
	struct net *net;
	int err;

	/* Read-only for root too, as /proc/tcpstates. */
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;
	net = get_net(current->nsproxy->net_ns);
	err = single_open(file, tcps_trans_show, net);
	if (err)
		put_net(net);
	return err;
}

static int tcps_trans_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	put_net(m->private);
	return single_release(inode, file);
}

static const struct proc_ops tcps_trans_proc_ops = {
	.proc_open	= tcps_trans_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= tcps_trans_release,
};

/* ---- the log ---- */

/*
 * What the file took from the rings last: the snapshot at open(), then,
 * for a reader going on after the end, each take of what came since.
 * Records: the title at position 0, then from @base on the current take,
 * a "LOST" line first if entries were lost before it.
 */
struct tcps_log_iter {
	struct tcps_trans_log log;
	u64 netns_cookie;
	unsigned int netns_inum;
	loff_t base;		/* position of the current take's first record */
	u64 lost;		/* shown at the head of the current take */
};

/* The record of a LOST line. */
#define TCPS_LOST_TOKEN	((void *)2)

static void *tcps_log_record(struct tcps_log_iter *it, loff_t pos)
{
	loff_t k;

	if (!pos)
		return SEQ_START_TOKEN;
	/* Takes before the current one are gone. */
	if (pos < it->base)
		return NULL;
	k = pos - it->base;
	if (it->lost && !k--)
		return TCPS_LOST_TOKEN;
	if (k >= it->log.n)
		return NULL;
	return &it->log.entries[k];
}

static void *tcps_log_start(struct seq_file *m, loff_t *pos)
{
	return tcps_log_record(m->private, *pos);
}

static void *tcps_log_next(struct seq_file *m, void *v, loff_t *pos)
{
	return tcps_log_record(m->private, ++*pos);
}

static void tcps_log_stop(struct seq_file *m, void *v)
{
}

/* One endpoint after a space, padded to @width columns. */
static void tcps_show_endpoint(struct seq_file *m, u8 family,
			       const void *addr, u16 port, int width)
{
	char buf[64];	/* "[" 45 "]:" 5 */
	int n;

	if (family == AF_INET6)
		n = scnprintf(buf, sizeof(buf), "[%pI6c]:", addr);
	else
		n = scnprintf(buf, sizeof(buf), "%pI4:", addr);
	if (port)
		scnprintf(buf + n, sizeof(buf) - n, "%u", port);
	else
		scnprintf(buf + n, sizeof(buf) - n, "*");
	seq_printf(m, " %-*s", width, buf);
}

static int tcps_log_show(struct seq_file *m, void *v)
{
	struct tcps_log_iter *it = m->private;
	const struct tcps_trans_entry *e = v;
	char time[24];
	u64 sec;
	u32 ns;

	if (v == SEQ_START_TOKEN) {
		seq_printf(m, "%s %u: recent TCP state transitions of net namespace %u\n",
			   TCPSTATES_TRANS_LOG_MAGIC,
			   TCPSTATES_TRANS_LOG_FORMAT_VERSION, it->netns_inum);
		seq_printf(m, "%-*s %-*s %-*s %-*s %-*s %-*s %-*s %s\n",
			   TCPS_W_TIME, "Time", TCPS_W_NETNS, "Netns",
			   TCPS_W_PROTO, "Proto", TCPS_W_STATE, "From",
			   TCPS_W_STATE, "To", TCPS_W_ADDR, "Local Address",
			   TCPS_W_ADDR, "Foreign Address", "Cookie");
		return 0;
	}
	if (v == TCPS_LOST_TOKEN) {
		seq_printf(m, "%s %llu\n", TCPSTATES_TRANS_LOG_LOST, it->lost);
		return 0;
	}

	sec = div_u64_rem(e->time_ns, NSEC_PER_SEC, &ns);
	snprintf(time, sizeof(time), "%llu.%09u", sec, ns);
	seq_printf(m, "%-*s %-*u %-*s %-*s %-*s", TCPS_W_TIME, time,
		   TCPS_W_NETNS, e->netns_inum, TCPS_W_PROTO,
		   e->family == AF_INET6 ? "tcp6" : "tcp",
		   TCPS_W_STATE, tcps_trans_state_name(e->from),
		   TCPS_W_STATE, tcps_trans_state_name(e->to));
	tcps_show_endpoint(m, e->family, &e->saddr, e->sport, TCPS_W_ADDR);
	tcps_show_endpoint(m, e->family, &e->daddr, e->dport, TCPS_W_ADDR);
	/* As ss -e prints it ("sk:"); the last column, no trailing space. */
	seq_printf(m, " %llx\n", e->cookie);
	return 0;
}

/*
 * Take what was logged since the last take, under the file's lock.
 * Return: 1 if that gave a record to read, 0 if not, or -ENOMEM.
 */
static int tcps_log_take_new(struct seq_file *m, struct tcps_log_iter *it)
{
	int err;

	mutex_lock(&m->lock);
	err = tcps_ring_follow(&it->log, it->netns_cookie);
	if (!err) {
		it->base = m->index;
		/* What the rings lost since the last take, said once. */
		it->lost = it->log.lost;
		it->log.lost = 0;
		err = it->lost || it->log.n;
	}
	mutex_unlock(&m->lock);
	return err;
}

/* Whether a read would return something without a new take. */
static bool tcps_log_unread(struct seq_file *m, struct tcps_log_iter *it)
{
	bool unread;

	mutex_lock(&m->lock);
	unread = m->count || tcps_log_record(it, m->index);
	mutex_unlock(&m->lock);
	return unread;
}

/*
 * The follow file: the snapshot, then, at its end, what was logged since
 * (a LOST line first if the rings overwrote entries before the read
 * could take them), waiting for it if there is nothing yet (O_NONBLOCK:
 * EAGAIN).  EOF only when the module goes.
 */
static ssize_t tcps_follow_read_iter(struct kiocb *iocb, struct iov_iter *to)
{
	struct file *file = iocb->ki_filp;
	struct seq_file *m = file->private_data;
	struct tcps_log_iter *it = m->private;
	ssize_t n;
	int err;

	for (;;) {
		n = seq_read_iter(iocb, to);
		if (n || !iov_iter_count(to))
			return n;
		err = tcps_log_take_new(m, it);
		if (err < 0)
			return err;
		if (err)
			continue;
		if ((file->f_flags & O_NONBLOCK) || (iocb->ki_flags & IOCB_NOWAIT))
			return -EAGAIN;
		err = tcps_ring_wait_pending(&it->log, it->netns_cookie);
		if (err)
			return err > 0 ? 0 : err;
	}
}

static __poll_t tcps_log_poll(struct file *file, struct poll_table_struct *wait)
{
	struct seq_file *m = file->private_data;
	struct tcps_log_iter *it = m->private;

	tcps_ring_poll_wait(file, wait);
	if (tcps_log_unread(m, it) ||
	    tcps_ring_pending(&it->log, it->netns_cookie))
		return EPOLLIN | EPOLLRDNORM;
	return 0;
}

static const struct seq_operations tcps_log_seq_ops = {
	.start	= tcps_log_start,
	.next	= tcps_log_next,
	.stop	= tcps_log_stop,
	.show	= tcps_log_show,
};

static int tcps_log_open(struct inode *inode, struct file *file)
{
	struct net *net = current->nsproxy->net_ns;
	struct tcps_log_iter *it;
	int err;

	if (file->f_mode & FMODE_WRITE)
		return -EACCES;
	/*
	 * Loaded with log=0: no ring to read.  An error rather than an
	 * empty log, which would claim that nothing changed state; ENODATA
	 * ("No data available") tells it from a missing module (ENOENT).
	 */
	if (!tcps_ring_enabled())
		return -ENODATA;
	it = __seq_open_private(file, &tcps_log_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	/* The cookie is all a read needs: no netns reference is kept. */
	it->netns_inum = net->ns.inum;
	it->netns_cookie = net->net_cookie;
	it->base = 1;
	err = tcps_ring_snapshot(&it->log, it->netns_cookie);
	if (err) {
		seq_release_private(inode, file);
		return err;
	}
	return 0;
}

static int tcps_log_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	tcps_ring_snapshot_free(m->private);
	return seq_release_private(inode, file);
}

static const struct proc_ops tcps_log_proc_ops = {
	.proc_open	= tcps_log_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= tcps_log_release,
};

static const struct proc_ops tcps_follow_proc_ops = {
	.proc_open	= tcps_log_open,
	.proc_read_iter	= tcps_follow_read_iter,
	.proc_poll	= tcps_log_poll,
	.proc_lseek	= seq_lseek,
	.proc_release	= tcps_log_release,
};

/**
 * tcps_trans_proc_init - create the three files
 *
 * Return: 0 or -ENOMEM, with neither file left.
 */
int tcps_trans_proc_init(void)
{
	if (!proc_create(TCPS_TRANS_NAME, 0444, NULL, &tcps_trans_proc_ops))
		return -ENOMEM;
	if (!proc_create(TCPS_TRANS_LOG_NAME, 0444, NULL, &tcps_log_proc_ops))
		goto out_trans;
	if (!proc_create(TCPS_FOLLOW_NAME, 0444, NULL, &tcps_follow_proc_ops))
		goto out_log;
	return 0;
out_log:
	remove_proc_entry(TCPS_TRANS_LOG_NAME, NULL);
out_trans:
	remove_proc_entry(TCPS_TRANS_NAME, NULL);
	return -ENOMEM;
}

/**
 * tcps_trans_proc_exit - remove the three files
 *
 * Waits for readers inside a call and releases files still open.
 */
void tcps_trans_proc_exit(void)
{
	/* A follower waiting for entries would hold the removal up. */
	tcps_ring_shutdown();
	remove_proc_entry(TCPS_FOLLOW_NAME, NULL);
	remove_proc_entry(TCPS_TRANS_LOG_NAME, NULL);
	remove_proc_entry(TCPS_TRANS_NAME, NULL);
}
