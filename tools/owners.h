/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Who holds a socket: -p, as ss -p and netstat -p find it.
 */
#ifndef TCPS_OWNERS_H
#define TCPS_OWNERS_H

#include <stdio.h>

struct tcps_owner {
	unsigned long long inode;
	int pid, fd;
	const char *comm;	/* the process's name, as /proc/PID/comm has it */
};

struct tcps_owners {
	struct tcps_owner *v;	/* sorted by inode, then pid, then fd */
	size_t n, cap;
	char **comms;		/* one per process seen, freed with the set */
	size_t ncomms, comms_cap;
};

/*
 * Every socket descriptor of every process this user may look at
 * (/proc/PID/fd: all of them for root, one's own otherwise, as for ss).
 * Returns TCPS_EXIT_OK, or TCPS_EXIT_RUNTIME after a message.
 */
int tcps_owners_scan(struct tcps_owners *o, const char *proc);

/* The first of the owners of socket @inode, and their number in *@n. */
const struct tcps_owner *tcps_owners_find(const struct tcps_owners *o,
					  unsigned long long inode, size_t *n);

/* ss's form: users:(("nginx",pid=12,fd=6),...), or nothing. */
void tcps_owners_print(FILE *out, const struct tcps_owner *w, size_t n);

/* The same as a JSON array of {"command","pid","fd"}. */
void tcps_owners_json(FILE *out, const struct tcps_owner *w, size_t n);

void tcps_owners_free(struct tcps_owners *o);

#endif /* TCPS_OWNERS_H */
