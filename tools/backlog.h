/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The accept queues of the listeners: how full, against their limit.
 */
#ifndef TCPS_BACKLOG_H
#define TCPS_BACKLOG_H

#include <stddef.h>

struct tcps_backlog {
	unsigned int inode;
	unsigned int queued;	/* connections waiting for accept() */
	unsigned int limit;	/* the listen() backlog, as the kernel took it */
};

struct tcps_backlogs {
	struct tcps_backlog *v;	/* sorted by inode */
	size_t n, cap;
};

/*
 * The TCP listeners of this network namespace from inet_diag (netlink,
 * as ss asks; no privilege needed): their queue and its limit, which
 * /proc/tcpstates, like /proc/net/tcp, does not show.  Returns
 * TCPS_EXIT_OK, or TCPS_EXIT_RUNTIME after a message.
 */
int tcps_backlogs_read(struct tcps_backlogs *b);

const struct tcps_backlog *tcps_backlogs_find(const struct tcps_backlogs *b,
					      unsigned long long inode);

void tcps_backlogs_free(struct tcps_backlogs *b);

#endif /* TCPS_BACKLOG_H */
