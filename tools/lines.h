/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lines of the module's text files, read strictly and in bounded memory.
 */
#ifndef TCPS_LINES_H
#define TCPS_LINES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/*
 * The longest line accepted, newline excluded.  The module's longest is
 * a tcp6 row, under 300 characters; a longer line is not its output, and
 * refusing it keeps memory constant whatever the input.
 */
#define TCPS_LINE_MAX		4096

struct tcps_lines {
	const char *name;	/* for messages: the path, or "<stdin>" */
	FILE *fp;
	unsigned long lineno;
	int status;		/* TCPS_EXIT_*: why reading stopped */
	char line[TCPS_LINE_MAX + 2];
};

/*
 * The next line into l->line, newline removed: true.  False at the end
 * of the file, or on an error (reported, and l->status set): a read
 * error, a line too long, without its newline, holding a NUL byte or
 * ending in CR LF.
 */
bool tcps_lines_next(struct tcps_lines *l);

/*
 * Split @line in place at runs of spaces, the only separator the module
 * writes.  The first @max fields go to @f; returns how many there are,
 * the uncollected ones included.
 */
size_t tcps_split(char *line, char **f, size_t max);

/* Report a problem at line @line of @l; false, for "return ...". */
__attribute__((format(printf, 3, 4)))
bool tcps_lines_bad(struct tcps_lines *l, unsigned long line,
		    const char *fmt, ...);

#endif /* TCPS_LINES_H */
