// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/tcpstates_counts: the per-state counters of /proc/tcpstates
 * without its rows.
 *
 * The counts of the rows /proc/tcpstates would show, by walk.c's rules:
 * kept by the transition hooks (kept.c), in O(CPUs); or, while those are
 * not seeded yet or on a kernel without a hook they need, by one walk of
 * the tables that counts each chain in place under its bucket lock (no
 * copy, nothing formatted, nothing allocated).  The title says which.
 *
 * The netns is the reader's at open(), pinned until release().  Counting
 * happens when a read starts at offset 0, so a reader can poll one open
 * file with pread() or lseek() for fresh counts.
 */
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/nsproxy.h>
#include <linux/proc_fs.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/tcpstates.h>
#include <net/net_namespace.h>

#include "tcpstates.h"

struct tcps_counts_file {
	struct net *net;
};

/* Why a read walked, as its title says it. */
static const char *tcps_counts_walked(int err)
{
	switch (err) {
	case -EAGAIN:
		return "seeding";	/* kept counts come once seeded */
	case -EOPNOTSUPP:
		return "unhooked";	/* this kernel lacks a hook they need */
	default:
		return "error";
	}
}

static int tcps_counts_show(struct seq_file *m, void *v)
{
	struct tcps_counts_file *cf = m->private;
	u64 counts[TCPS_STATE_SLOTS] = { 0 };
	int err;

	err = tcps_kept_counts(cf->net, counts);
	seq_printf(m, "%s %u: TCP socket counts of net namespace %u ",
		   TCPSTATES_MAGIC, TCPSTATES_FORMAT_VERSION, cf->net->ns.inum);
	if (err) {
		memset(counts, 0, sizeof(counts));
		tcps_walk_count(cf->net, counts);
		seq_printf(m, "(walked: %s)\n", tcps_counts_walked(err));
	} else {
		seq_puts(m, "(kept)\n");
	}
	tcps_render_counts(m, counts);
	return 0;
}

static int tcps_counts_open(struct inode *inode, struct file *file)
{
	struct tcps_counts_file *cf;
	int err;

	/* As /proc/tcpstates: root passes the 0444 check, refuse here. */
	if (file->f_mode & FMODE_WRITE)
		return -EACCES;

	cf = kzalloc(sizeof(*cf), GFP_KERNEL_ACCOUNT);
	if (!cf)
		return -ENOMEM;
	cf->net = get_net(current->nsproxy->net_ns);
	err = single_open(file, tcps_counts_show, cf);
	if (err) {
		put_net(cf->net);
		kfree(cf);
	}
	return err;
}

static int tcps_counts_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;
	struct tcps_counts_file *cf = m->private;

	put_net(cf->net);
	kfree(cf);
	return single_release(inode, file);
}

static const struct proc_ops tcps_counts_ops = {
	.proc_open	= tcps_counts_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= tcps_counts_release,
};

/**
 * tcps_counts_init - create /proc/tcpstates_counts
 *
 * Return: 0 or -ENOMEM.
 */
int tcps_counts_init(void)
{
	if (!proc_create("tcpstates_counts", 0444, NULL, &tcps_counts_ops))
		return -ENOMEM;
	return 0;
}

/**
 * tcps_counts_exit - remove /proc/tcpstates_counts
 *
 * Waits for readers inside a call and releases files still open.
 */
void tcps_counts_exit(void)
{
	remove_proc_entry("tcpstates_counts", NULL);
}
