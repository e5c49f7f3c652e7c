// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstates: a netstat-style snapshot of every TCP socket of the reader's
 * network namespace, with per-state counters, in /proc/tcpstates.
 */
#include <linux/init.h>
#include <linux/module.h>

#include "tcpstates.h"

static int __init tcps_init(void)
{
	int err;

	err = tcps_proc_init();
	if (err)
		return err;
	/* The counts file reads what the transition hooks keep. */
	err = tcps_trans_init();
	if (err)
		goto out_proc;
	err = tcps_counts_init();
	if (err)
		goto out_trans;
	return 0;

out_trans:
	tcps_trans_exit();
out_proc:
	tcps_proc_exit();
	return err;
}

static void __exit tcps_exit(void)
{
	tcps_counts_exit();
	tcps_trans_exit();
	tcps_proc_exit();
}

module_init(tcps_init);
module_exit(tcps_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("The tcpstates developers");
MODULE_DESCRIPTION("Lockless snapshot of TCP sockets and per-state counters in /proc/tcpstates");
MODULE_VERSION(TCPS_VERSION);
