// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming reader of /proc/tcpstates (format: uapi/linux/tcpstates.h).
 *
 * One line at a time through getline(), into one buffer reused for every
 * line, so memory stays constant however many sockets there are and a
 * line of any length fits.  The caller gets each row once and keeps what
 * it needs.
 *
 * The first deviation from the format stops the read with a FILE:LINE
 * message: a parser that guessed past it would print numbers that nobody
 * could trust.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "number.h"
#include "reader.h"
#include "states.h"
#include "util.h"

/* Report a problem at the current line; false, for "return tcps_bad()". */
static __printf(3, 4) bool tcps_bad_at(struct tcps_reader *r, unsigned long line,
			const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tcps_input_verr(r->name, line, fmt, ap);
	va_end(ap);
	r->status = TCPS_EXIT_MALFORMED;
	return false;
}

#define tcps_bad(r, ...)	tcps_bad_at(r, (r)->lineno, __VA_ARGS__)
/* A missing line is reported where it should have been. */
#define tcps_eof(r, ...)	tcps_bad_at(r, (r)->lineno + 1, __VA_ARGS__)

/*
 * The next line, newline removed: true.  False at the end of the file,
 * or on an error, which sets r->status.
 */
static bool tcps_read_line(struct tcps_reader *r)
{
	ssize_t len;

	errno = 0;
	len = getline(&r->line, &r->cap, r->fp);
	if (len < 0) {
		if (ferror(r->fp) || errno == ENOMEM) {
			tcps_err("%s: read error: %s", r->name, strerror(errno));
			r->status = TCPS_EXIT_RUNTIME;
		}
		return false;
	}
	r->lineno++;
	/* A NUL would silently cut the line short for every str*() below. */
	if ((size_t)len != strlen(r->line))
		return tcps_bad(r, "the line contains a NUL byte");
	/*
	 * The module ends every line with a newline: without one the read
	 * was cut, maybe inside a number ("Total 4" of "Total 42").
	 */
	if (r->line[len - 1] != '\n')
		return tcps_bad(r, "the line has no newline: the file is truncated");
	r->line[len - 1] = '\0';
	return true;
}

static bool tcps_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * Split @line in place at runs of white space.  The first @max fields go
 * to @f; returns how many fields there are, the uncollected ones included.
 */
static size_t tcps_split(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p = line;

	for (;;) {
		while (tcps_is_space(*p))
			p++;
		if (!*p)
			return n;
		if (n < max)
			f[n] = p;
		n++;
		while (*p && !tcps_is_space(*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

static bool tcps_number(struct tcps_reader *r, const char *text,
			const char *column, unsigned long long *v)
{
	if (tcps_parse_u64(text, v))
		return true;
	return tcps_bad(r, "bad %s '%s': not a decimal number below 2^64",
			column, text);
}

/*
 * "a.b.c.d:port" for tcp, "[ipv6]:port" for tcp6.  The address must be
 * one inet_pton() accepts: that also guarantees it holds nothing that
 * would need escaping in JSON or Prometheus output.  On success the
 * text is cut in place into the bare address.
 */
static bool tcps_parse_endpoint(struct tcps_reader *r, char *text, bool v6,
				const char *which, struct tcps_endpoint *ep)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char host[INET6_ADDRSTRLEN];
	char *colon = strrchr(text, ':');
	const char *start = text;
	size_t len;

	if (!colon)
		return tcps_bad(r, "bad %s address '%s': no ':PORT'", which, text);
	if (!tcps_parse_port(colon + 1, true, &ep->port))
		return tcps_bad(r, "bad %s port in '%s': expected a number up to 65535 or '*'",
				which, text);
	len = colon - text;
	if (v6) {
		if (len < 2 || text[0] != '[' || text[len - 1] != ']')
			return tcps_bad(r, "bad %s address '%s': a tcp6 address is written [address]:port",
					which, text);
		start++;
		len -= 2;
	}
	if (len >= sizeof(host))
		goto bad;
	memcpy(host, start, len);
	host[len] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, bin) != 1)
		goto bad;
	text[start - text + len] = '\0';
	ep->addr = start;
	return true;
bad:
	return tcps_bad(r, "bad %s address '%s': not an %s address",
			which, text, v6 ? "IPv6" : "IPv4");
}

/* Proto Recv-Q Send-Q Local Foreign State UID Inode [appended columns] */
static bool tcps_parse_row(struct tcps_reader *r, char **f, size_t n,
			   struct tcps_row *row)
{
	if (n < 8)
		return tcps_bad(r, "malformed row: %zu field%s, expected 8: Proto Recv-Q Send-Q Local Foreign State UID Inode",
				n, n == 1 ? "" : "s");
	if (!strcmp(f[0], "tcp"))
		row->v6 = false;
	else if (!strcmp(f[0], "tcp6"))
		row->v6 = true;
	else
		return tcps_bad(r, "unknown protocol '%s': expected tcp or tcp6",
				f[0]);
	if (!tcps_number(r, f[1], "Recv-Q", &row->recv_q) ||
	    !tcps_number(r, f[2], "Send-Q", &row->send_q) ||
	    !tcps_parse_endpoint(r, f[3], row->v6, "local", &row->local) ||
	    !tcps_parse_endpoint(r, f[4], row->v6, "foreign", &row->remote))
		return false;
	row->state = tcps_state_id(f[5]);
	if (!row->state)
		return tcps_bad(r, "unknown state '%s'", f[5]);
	return tcps_number(r, f[6], "UID", &row->uid) &&
	       tcps_number(r, f[7], "Inode", &row->inode);
}

/* "tcpstates 1: TCP sockets of net namespace 4026531840" */
static bool tcps_read_title(struct tcps_reader *r)
{
	static const char *const words[] = {
		"TCP", "sockets", "of", "net", "namespace"
	};
	unsigned long long version;
	char *f[8], *colon;
	size_t n, i;

	if (!tcps_read_line(r)) {
		if (!r->status)
			tcps_eof(r, "the file is empty: expected the line '%s %d: TCP sockets of net namespace N'",
				 TCPSTATES_MAGIC, TCPSTATES_FORMAT_VERSION);
		return false;
	}
	n = tcps_split(r->line, f, 8);
	if (!n || strcmp(f[0], TCPSTATES_MAGIC))
		return tcps_bad(r, "not a tcpstates file: the first line does not start with '%s'",
				TCPSTATES_MAGIC);
	colon = n > 1 ? strchr(f[1], ':') : NULL;
	if (!colon || colon[1] || colon == f[1])
		goto malformed;
	*colon = '\0';
	/* The version first: a later version may change the rest. */
	if (!tcps_parse_u64(f[1], &version) ||
	    version < TCPSTATES_FORMAT_VERSION_MIN ||
	    version > TCPSTATES_FORMAT_VERSION)
		return tcps_bad(r, "unsupported format version %s, this tool reads %d to %d",
				f[1], TCPSTATES_FORMAT_VERSION_MIN,
				TCPSTATES_FORMAT_VERSION);
	if (n != 8 || !tcps_parse_u64(f[7], &r->netns))
		goto malformed;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(f[2 + i], words[i]))
			goto malformed;
	return true;
malformed:
	return tcps_bad(r, "malformed title line: expected '%s %d: TCP sockets of net namespace N'",
			TCPSTATES_MAGIC, TCPSTATES_FORMAT_VERSION);
}

/* The column titles; appended columns bring titles of their own. */
static bool tcps_read_columns(struct tcps_reader *r)
{
	static const char *const titles[] = {
		"Proto", "Recv-Q", "Send-Q", "Local", "Address",
		"Foreign", "Address", "State", "UID", "Inode"
	};
	const size_t want = ARRAY_SIZE(titles);
	char *f[ARRAY_SIZE(titles)];
	size_t n, i;

	if (!tcps_read_line(r)) {
		if (!r->status)
			tcps_eof(r, "unexpected end of file: no column titles");
		return false;
	}
	n = tcps_split(r->line, f, want);
	for (i = 0; i < want; i++)
		if (i >= n || strcmp(f[i], titles[i]))
			return tcps_bad(r, "expected the column titles 'Proto Recv-Q Send-Q Local Address Foreign Address State UID Inode'");
	return true;
}

int tcps_reader_open(struct tcps_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	if (!strcmp(path, "-")) {
		r->name = "<stdin>";
		r->fp = stdin;
	} else {
		r->name = path;
		r->fp = fopen(path, "re");
		if (!r->fp) {
			int e = errno;

			tcps_err("%s: %s", path, strerror(e));
			if (e == ENOENT && !strcmp(path, TCPSTATES_PROC_PATH))
				tcps_err("the tcpstates module is not loaded: run 'modprobe tcpstates' (or insmod tcpstates.ko)");
			return r->status = TCPS_EXIT_RUNTIME;
		}
		r->own_fp = true;
	}
	if (tcps_read_title(r))
		tcps_read_columns(r);
	return r->status;
}

/*
 * After the blank line: "State Count", one "NAME COUNT" line per state,
 * "Total N", end of file.  Each state exactly once; the order is not
 * checked (it changes nothing a reader needs).
 */
static void tcps_read_counts(struct tcps_reader *r)
{
	unsigned long long sum = 0, v;
	unsigned int seen = 0;
	char *f[3];
	int id;

	if (!tcps_read_line(r)) {
		if (!r->status)
			tcps_eof(r, "unexpected end of file: no counter block after the blank line");
		return;
	}
	if (tcps_split(r->line, f, 3) != 2 ||
	    strcmp(f[0], TCPSTATES_COUNT_TITLE) || strcmp(f[1], "Count")) {
		tcps_bad(r, "expected '%s Count' after the blank line that ends the rows",
			 TCPSTATES_COUNT_TITLE);
		return;
	}
	for (;;) {
		if (!tcps_read_line(r)) {
			if (!r->status)
				tcps_eof(r, "unexpected end of file: the counter block has no %s line",
					 TCPSTATES_TOTAL_NAME);
			return;
		}
		if (tcps_split(r->line, f, 3) != 2) {
			tcps_bad(r, "malformed counter line: expected a state name and a count");
			return;
		}
		if (!tcps_parse_u64(f[1], &v)) {
			tcps_bad(r, "bad count '%s': not a decimal number below 2^64",
				 f[1]);
			return;
		}
		if (!strcmp(f[0], TCPSTATES_TOTAL_NAME))
			break;
		id = tcps_state_id(f[0]);
		if (!id) {
			tcps_bad(r, "unknown state '%s' in the counter block",
				 f[0]);
			return;
		}
		if (seen & TCPS_BIT(id)) {
			tcps_bad(r, "%s is counted twice", f[0]);
			return;
		}
		if (__builtin_add_overflow(sum, v, &sum)) {
			tcps_bad(r, "the counts add up to 2^64 or more");
			return;
		}
		seen |= TCPS_BIT(id);
		r->block[id] = v;
		r->block_line[id] = r->lineno;
	}
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		if (!(seen & TCPS_BIT(id))) {
			tcps_bad(r, "the counter block has no %s line",
				 tcps_state_names[id]);
			return;
		}
	}
	if (v != sum) {
		tcps_bad(r, "%s %llu, but the states above add up to %llu",
			 TCPSTATES_TOTAL_NAME, v, sum);
		return;
	}
	r->block_total = v;
	r->total_line = r->lineno;
	if (tcps_read_line(r))
		tcps_bad(r, "unexpected text after the %s line",
			 TCPSTATES_TOTAL_NAME);
}

bool tcps_reader_next(struct tcps_reader *r, struct tcps_row *row)
{
	char *f[8];
	size_t n;

	if (r->status || r->total_line)
		return false;
	if (!tcps_read_line(r)) {
		if (!r->status)
			tcps_eof(r, "unexpected end of file: no counter block (a blank line, then '%s Count'): the file is truncated",
				 TCPSTATES_COUNT_TITLE);
		return false;
	}
	n = tcps_split(r->line, f, 8);
	if (!n) {
		tcps_read_counts(r);
		return false;
	}
	if (n == 2 && !strcmp(f[0], TCPSTATES_COUNT_TITLE) &&
	    !strcmp(f[1], "Count"))
		return tcps_bad(r, "no blank line before the counter block");
	if (!tcps_parse_row(r, f, n, row))
		return false;
	r->rows++;
	r->row_counts[row->state]++;
	return true;
}

int tcps_reader_check(const struct tcps_reader *r)
{
	int rc = TCPS_EXIT_OK, id;

	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		if (r->block[id] == r->row_counts[id])
			continue;
		tcps_input_err(r->name, r->block_line[id],
			       "the counter block says %s %llu, but the rows have %llu",
			       tcps_state_names[id], r->block[id],
			       r->row_counts[id]);
		rc = TCPS_EXIT_MALFORMED;
	}
	if (r->block_total != r->rows) {
		tcps_input_err(r->name, r->total_line,
			       "the counter block says %s %llu, but there are %llu rows",
			       TCPSTATES_TOTAL_NAME, r->block_total, r->rows);
		rc = TCPS_EXIT_MALFORMED;
	}
	return rc;
}

void tcps_reader_close(struct tcps_reader *r)
{
	if (r->own_fp && r->fp)
		fclose(r->fp);
	free(r->line);
	r->fp = NULL;
	r->line = NULL;
}
