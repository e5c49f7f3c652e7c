/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line.
 */
#ifndef TCPS_OPTS_H
#define TCPS_OPTS_H

#include <stdbool.h>
#include <time.h>

#include "filter.h"

enum tcps_format {
	TCPS_FMT_TEXT,
	TCPS_FMT_JSON,
	TCPS_FMT_PROM,
};

/* --check's thresholds: seconds idle, percent of an accept queue. */
struct tcps_check_limits {
	unsigned long long close_wait_warn, close_wait_crit;
	unsigned long long queue_warn, queue_crit;
	bool ignore_bound;
};

struct tcps_opts {
	const char *file;		/* "-" is stdin */
	/* --prometheus: the transition counts' file, or NULL for none. */
	const char *trans_file;
	/* The selection as given, for the Prometheus filter label; NULL: none. */
	char *filter_text;
	struct tcps_filter filter;
	enum tcps_format format;
	bool summary;			/* -s: counts, not sockets */
	bool no_header;			/* -H */
	bool watch;			/* -w */
	unsigned int explain;		/* --explain: the states to explain */
	bool processes;			/* -p: each socket's owners */
	const char *output;		/* --output: the file to replace */
	const char *netns;		/* -N: a named network namespace */
	bool follow;			/* --follow: the transitions, live */
	bool check;			/* --check: findings, plugin status */
	struct tcps_check_limits check_limits;
	const char *proc_dir;		/* where -p looks: /proc */
	struct timespec interval;
	unsigned long long count;	/* -c; 0: until interrupted */
};

/*
 * Fill @o from the command line.  Returns -1 to go on, or the exit status
 * to end with: TCPS_EXIT_OK after --help or --version, TCPS_EXIT_USAGE
 * after reporting a mistake.
 */
int tcps_parse_args(struct tcps_opts *o, int argc, char **argv);

void tcps_opts_free(struct tcps_opts *o);

#endif /* TCPS_OPTS_H */
