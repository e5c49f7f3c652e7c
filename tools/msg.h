/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit statuses and the two kinds of message: about the tool's own work,
 * and about a place in the input file.
 */
#ifndef TCPS_MSG_H
#define TCPS_MSG_H

#include <stdarg.h>

#include "util.h"

/* Documented in --help and tcpstates.8: scripts rely on them. */
enum tcps_exit {
	TCPS_EXIT_OK = 0,
	TCPS_EXIT_RUNTIME = 1,		/* could not read or write */
	TCPS_EXIT_USAGE = 2,		/* bad command line */
	TCPS_EXIT_MALFORMED = 3,	/* the input is not the format */
};

/* Every message starts with this, whatever argv[0] the binary ran as. */
#define TCPS_PROG	"tcpstates"

/* "tcpstates: <message>" on stderr. */
__printf(1, 2) void tcps_err(const char *fmt, ...);

/* "tcpstates: FILE:LINE: <message>" on stderr. */
__printf(3, 4)
void tcps_input_err(const char *file, unsigned long line, const char *fmt, ...);

/* The same with a va_list, for reporters of their own. */
__printf(3, 0)
void tcps_input_verr(const char *file, unsigned long line, const char *fmt,
		     va_list ap);

#endif /* TCPS_MSG_H */
