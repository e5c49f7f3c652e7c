/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One read of the file: the selected rows, listed as they come, and the
 * counts a summary shows.
 */
#ifndef TCPS_SAMPLE_H
#define TCPS_SAMPLE_H

#include <stdbool.h>

#include "opts.h"
#include "output.h"

struct tcps_sample {
	unsigned long long netns;
	/*
	 * With a filter, or when listing: the counts of the selected rows.
	 * Otherwise the file's own counter block.
	 */
	struct tcps_counts counts;
	/* The whole file was read, so the counts mean something. */
	bool complete;
};

/*
 * Read o->file once.  With @list, print the selected rows on stdout as
 * they are read, in o->format (text or JSON).  Returns TCPS_EXIT_*, the
 * first problem having been reported; with s->complete set the only
 * problem was a counter block that disagrees with the rows.
 */
int tcps_read_sample(const struct tcps_opts *o, bool list,
		     struct tcps_sample *s);

#endif /* TCPS_SAMPLE_H */
