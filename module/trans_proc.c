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

/* Kinds of state change no hook can see, for the hook table. */
static const char *const tcps_unobserved[][2] = {
	{ "tw-substate",
	  "no hook: a timewait socket going from FIN_WAIT2 to TIME_WAIT" },
	{ "tw-end", "no hook: a timewait socket expiring, reset or reused" },
	{ "request-end",
	  "no hook: a request socket becoming a child, expiring or dropped" },
};

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
	for (i = 0; i < ARRAY_SIZE(tcps_unobserved); i++)
		seq_printf(m, "%-*s %-*s %*s %s\n", TCPS_W_HOOK,
			   tcps_unobserved[i][0], TCPS_W_STATUS, "unobserved",
			   TCPS_W_MISSED, "-", tcps_unobserved[i][1]);
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

struct tcps_log_iter {
	struct tcps_trans_log log;
	unsigned int netns_inum;
};

/* Records: the title at 0, then log entry pos - 1. */
static void *tcps_log_record(struct tcps_log_iter *it, loff_t pos)
{
	if (!pos)
		return SEQ_START_TOKEN;
	if (pos > it->log.n)
		return NULL;
	return &it->log.entries[pos - 1];
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
			   TCPSTATES_TRANS_FORMAT_VERSION, it->netns_inum);
		seq_printf(m, "%-*s %-*s %-*s %-*s %-*s %-*s %s\n",
			   TCPS_W_TIME, "Time", TCPS_W_NETNS, "Netns",
			   TCPS_W_PROTO, "Proto", TCPS_W_STATE, "From",
			   TCPS_W_STATE, "To", TCPS_W_ADDR, "Local Address",
			   "Foreign Address");
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
	/* The last column: no trailing spaces. */
	tcps_show_endpoint(m, e->family, &e->daddr, e->dport, 0);
	seq_putc(m, '\n');
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
	it = __seq_open_private(file, &tcps_log_seq_ops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	/* The snapshot is all a read needs: no netns reference is kept. */
	it->netns_inum = net->ns.inum;
	err = tcps_ring_snapshot(&it->log, net->net_cookie);
	if (err)
		seq_release_private(inode, file);
	return err;
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

/**
 * tcps_trans_proc_init - create the two files
 *
 * Return: 0 or -ENOMEM, with neither file left.
 */
int tcps_trans_proc_init(void)
{
	if (!proc_create(TCPS_TRANS_NAME, 0444, NULL, &tcps_trans_proc_ops))
		return -ENOMEM;
	if (!proc_create(TCPS_TRANS_LOG_NAME, 0444, NULL, &tcps_log_proc_ops)) {
		remove_proc_entry(TCPS_TRANS_NAME, NULL);
		return -ENOMEM;
	}
	return 0;
}

/**
 * tcps_trans_proc_exit - remove the two files
 *
 * Waits for readers inside a call and releases files still open.
 */
void tcps_trans_proc_exit(void)
{
	remove_proc_entry(TCPS_TRANS_LOG_NAME, NULL);
	remove_proc_entry(TCPS_TRANS_NAME, NULL);
}
