// SPDX-License-Identifier: GPL-2.0
/*
 * Line reading for the module's files.
 *
 * fgets() into one fixed buffer: a line longer than any the module
 * writes is an error, not an allocation, so a hostile or broken input
 * cannot make the tool hold more than a few KiB.  Every line must end in
 * a newline (without one the read was cut, maybe inside a number) and
 * hold nothing but the printable text the module writes.
 */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "lines.h"
#include "msg.h"

bool tcps_lines_bad(struct tcps_lines *l, unsigned long line,
		    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tcps_input_verr(l->name, line, fmt, ap);
	va_end(ap);
	l->status = TCPS_EXIT_MALFORMED;
	return false;
}

bool tcps_lines_next(struct tcps_lines *l)
{
	const char *p;
	size_t len;

	if (l->status)
		return false;
	errno = 0;
	if (!fgets(l->line, sizeof(l->line), l->fp)) {
		if (ferror(l->fp)) {
			tcps_err("%s: read error: %s", l->name,
				 strerror(errno ? errno : EIO));
			l->status = TCPS_EXIT_RUNTIME;
		}
		return false;
	}
	l->lineno++;
	len = strlen(l->line);
	if (!len)
		return tcps_lines_bad(l, l->lineno, "the line contains a NUL byte");
	if (len == sizeof(l->line) - 1 && l->line[len - 1] != '\n')
		return tcps_lines_bad(l, l->lineno,
				      "the line is longer than %d characters: not the module's output",
				      TCPS_LINE_MAX);
	/* A NUL would silently cut the line short for every str*() below. */
	if (!feof(l->fp) && l->line[len - 1] != '\n')
		return tcps_lines_bad(l, l->lineno, "the line contains a NUL byte");
	if (l->line[len - 1] != '\n') {
		/* fgets() stops at EOF: a NUL before it hides the rest. */
		return tcps_lines_bad(l, l->lineno,
				      "the line has no newline: the file is truncated");
	}
	l->line[--len] = '\0';
	if (len && l->line[len - 1] == '\r')
		return tcps_lines_bad(l, l->lineno,
				      "the line ends in CR LF: the module ends lines with LF only");
	for (p = l->line; *p; p++)
		if ((unsigned char)*p < ' ' || (unsigned char)*p > '~')
			return tcps_lines_bad(l, l->lineno,
					      "byte 0x%02x at column %zu: the module writes printable ASCII and spaces only",
					      (unsigned char)*p, (size_t)(p - l->line) + 1);
	return true;
}

size_t tcps_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return n;
		if (n < max)
			f[n] = p;
		n++;
		while (*p && *p != ' ')
			p++;
		if (*p)
			*p++ = '\0';
	}
}
