// SPDX-License-Identifier: GPL-2.0
/*
 * Messages to stderr.
 *
 * They quote pieces of the input file, which may hold anything: control
 * characters are shown as '?' so that a hostile or broken file cannot
 * drive the terminal the error is read on.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "msg.h"

static void put_sanitized(const char *s)
{
	for (; *s; s++) {
		unsigned char c = *s;

		fputc(c < 0x20 || c == 0x7f ? '?' : c, stderr);
	}
}

static void vmsg(const char *fmt, va_list ap)
{
	char *text;

	if (vasprintf(&text, fmt, ap) < 0) {
		/* Out of memory: the format alone still says what failed. */
		fputs(fmt, stderr);
	} else {
		put_sanitized(text);
		free(text);
	}
	fputc('\n', stderr);
}

void tcps_err(const char *fmt, ...)
{
	va_list ap;

	fputs(TCPS_PROG ": ", stderr);
	va_start(ap, fmt);
	vmsg(fmt, ap);
	va_end(ap);
}

void tcps_input_verr(const char *file, unsigned long line, const char *fmt,
		     va_list ap)
{
	fputs(TCPS_PROG ": ", stderr);
	put_sanitized(file);
	fprintf(stderr, ":%lu: ", line);
	vmsg(fmt, ap);
}

void tcps_input_err(const char *file, unsigned long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tcps_input_verr(file, line, fmt, ap);
	va_end(ap);
}
