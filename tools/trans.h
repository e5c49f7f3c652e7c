/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The transition counts of /proc/tcpstates_transitions.
 */
#ifndef TCPS_TRANS_H
#define TCPS_TRANS_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/tcpstates.h>

/* Transition states: TCPS_* ids, OTHER (0), NEW_SYN_RECV, TW_FIN_WAIT2. */
#define TCPS_TRANS_SLOTS	(TCPS_TRANS_TW_FIN_WAIT2 + 1)
#define TCPS_TRANS_HOOKS_MAX	16
#define TCPS_HOOK_NAME_MAX	32

struct tcps_trans_hook {
	char name[TCPS_HOOK_NAME_MAX];
	bool attached;
	unsigned long long missed;	/* 0 when unobserved ("-") */
};

struct tcps_trans {
	unsigned long long netns;
	unsigned int nhooks;
	struct tcps_trans_hook hooks[TCPS_TRANS_HOOKS_MAX];
	/* count[from][to]; seen: the pair has a row (a count may be 0). */
	unsigned long long count[TCPS_TRANS_SLOTS][TCPS_TRANS_SLOTS];
	bool seen[TCPS_TRANS_SLOTS][TCPS_TRANS_SLOTS];
};

/* The name of transition state @id, and as a label: in lower case. */
const char *tcps_trans_state_name(int id);
/* The id of a state name of the matrix and the log, or -1. */
int tcps_trans_state_id(const char *name);
void tcps_print_trans_label(FILE *out, int id);

/*
 * Read @path whole into @t.  Returns TCPS_EXIT_OK, or the error status
 * after reporting it (FILE:LINE for a deviation from the format).
 */
int tcps_trans_read(const char *path, struct tcps_trans *t);

#endif /* TCPS_TRANS_H */
