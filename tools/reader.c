// SPDX-License-Identifier: GPL-2.0
/*
 * Streaming reader of /proc/tcpstates (format: uapi/linux/tcpstates.h).
 *
 * One line at a time (lines.c), into one fixed buffer reused for every
 * line, so memory stays constant however many sockets there are and
 * however long a broken line is.  The caller gets each row once and
 * keeps what it needs.
 *
 * The first deviation from the format stops the read with a FILE:LINE
 * message: a parser that guessed past it would print numbers that nobody
 * could trust.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "addr.h"
#include "msg.h"
#include "number.h"
#include "reader.h"
#include "states.h"
#include "util.h"

#define tcps_bad(r, ...)	tcps_lines_bad(&(r)->in, (r)->in.lineno, __VA_ARGS__)
/* A missing line is reported where it should have been. */
#define tcps_eof(r, ...)	tcps_lines_bad(&(r)->in, (r)->in.lineno + 1, __VA_ARGS__)

static bool tcps_number(struct tcps_reader *r, const char *text,
			const char *column, unsigned long long *v)
{
	if (tcps_parse_u64(text, v))
		return true;
	return tcps_bad(r, "bad %s '%s': not a decimal number below 2^64",
			column, text);
}

/* "a.b.c.d:port" for tcp, "[ipv6]:port" for tcp6, cut in place. */
static bool tcps_parse_endpoint(struct tcps_reader *r, char *text, bool v6,
				const char *which, struct tcps_endpoint *ep)
{
	char canon[INET6_ADDRSTRLEN];

	switch (tcps_parse_endpoint_text(text, v6, &ep->addr, &ep->port,
					 canon)) {
	case TCPS_ENDPOINT_OK:
		return true;
	case TCPS_ENDPOINT_NO_PORT:
		return tcps_bad(r, "bad %s address '%s': no ':PORT'", which, text);
	case TCPS_ENDPOINT_BAD_PORT:
		return tcps_bad(r, "bad %s port in '%s': expected a number from 1 to 65535 (no leading 0) or '*'",
				which, text);
	case TCPS_ENDPOINT_NO_BRACKETS:
		return tcps_bad(r, "bad %s address '%s': a tcp6 address is written [address]:port",
				which, text);
	case TCPS_ENDPOINT_NOT_CANONICAL:
		return tcps_bad(r, "bad %s address '%s': the module writes this address as [%s]",
				which, text, canon);
	default:
		return tcps_bad(r, "bad %s address '%s': not an %s address",
				which, text, v6 ? "IPv6" : "IPv4");
	}
}

/* "12.345": seconds with exactly three decimals, as milliseconds. */
static bool tcps_parse_seconds(const char *s, size_t len,
			       unsigned long long *ms)
{
	char buf[24];
	unsigned long long sec, frac;

	if (len < 5 || len >= sizeof(buf) || s[len - 4] != '.')
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	buf[len - 4] = '\0';
	if (!tcps_parse_u64(buf, &sec) || !tcps_parse_u64(buf + len - 3, &frac) ||
	    (buf[0] == '0' && buf[1]) ||
	    __builtin_mul_overflow(sec, 1000, ms) ||
	    __builtin_add_overflow(*ms, frac, ms))
		return false;
	return true;
}

/* A decimal number without a leading zero (but "0"). */
static bool tcps_parse_count(const char *s, size_t len,
			     unsigned long long *v)
{
	char buf[24];

	if (!len || len >= sizeof(buf) || (s[0] == '0' && len > 1))
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return tcps_parse_u64(buf, v);
}

/* Timer: "<name>(<seconds>/<retransmits>/<probes>)". */
static bool tcps_parse_timer(struct tcps_reader *r, const char *text,
			     struct tcps_row *row)
{
	static const char *const names[] = TCPS_TIMER_NAMES;
	const char *open = strchr(text, '('), *s1, *s2, *end;
	size_t i, len = strlen(text);

	if (!open || text[len - 1] != ')')
		goto bad;
	s1 = strchr(open, '/');
	s2 = s1 ? strchr(s1 + 1, '/') : NULL;
	end = text + len - 1;
	if (!s2 || strchr(s2 + 1, '/'))
		goto bad;
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i]) == (size_t)(open - text) &&
		    !strncmp(text, names[i], open - text))
			break;
	if (i == ARRAY_SIZE(names) ||
	    !tcps_parse_seconds(open + 1, s1 - open - 1, &row->timer_ms) ||
	    !tcps_parse_count(s1 + 1, s2 - s1 - 1, &row->retrans) ||
	    !tcps_parse_count(s2 + 1, end - s2 - 1, &row->probes))
		goto bad;
	row->timer = (int)i;
	row->has_timer = true;
	return true;
bad:
	return tcps_bad(r, "bad Timer '%s': expected NAME(SECONDS.MMM/RETRANSMITS/PROBES), NAME one of off on keepalive timewait probe",
			text);
}

/* Idle: "<rcv>/<snd>" in seconds, or "-". */
static bool tcps_parse_idle(struct tcps_reader *r, const char *text,
			    struct tcps_row *row)
{
	const char *slash = strchr(text, '/');

	row->has_idle = false;
	if (!strcmp(text, "-"))
		return true;
	if (!slash ||
	    !tcps_parse_seconds(text, slash - text, &row->idle_rcv_ms) ||
	    !tcps_parse_seconds(slash + 1, strlen(slash + 1), &row->idle_snd_ms))
		return tcps_bad(r, "bad Idle '%s': expected RECEIVED/SENT, seconds with three decimals each, or '-'",
				text);
	row->has_idle = true;
	return true;
}

/*
 * Proto Recv-Q Send-Q Local Foreign State UID Inode, then from format 2
 * Timer Idle, then maybe columns a later release appends.
 */
static bool tcps_parse_row(struct tcps_reader *r, char **f, size_t n,
			   struct tcps_row *row)
{
	if (r->version >= 2 && n < 10)
		return tcps_bad(r, "malformed row: %zu field%s, expected 10: Proto Recv-Q Send-Q Local Foreign State UID Inode Timer Idle",
				n, n == 1 ? "" : "s");
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
	if (!tcps_number(r, f[6], "UID", &row->uid) ||
	    !tcps_number(r, f[7], "Inode", &row->inode))
		return false;
	/* uid_t is 32 bits, and (uid_t)-1 is no user. */
	if (row->uid >= 0xffffffffULL)
		return tcps_bad(r, "bad UID %llu: a user id is below 4294967295",
				row->uid);
	row->has_timer = row->has_idle = false;
	if (r->version < 2)
		return true;
	return tcps_parse_timer(r, f[8], row) && tcps_parse_idle(r, f[9], row);
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

	if (!tcps_lines_next(&r->in)) {
		if (!r->in.status)
			tcps_eof(r, "the file is empty: expected the line '%s %d: TCP sockets of net namespace N'",
				 TCPSTATES_MAGIC, TCPSTATES_FORMAT_VERSION);
		return false;
	}
	n = tcps_split(r->in.line, f, 8);
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
	r->version = (unsigned int)version;
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
	char *f[ARRAY_SIZE(titles) + 2];
	size_t n, i;

	if (!tcps_lines_next(&r->in)) {
		if (!r->in.status)
			tcps_eof(r, "unexpected end of file: no column titles");
		return false;
	}
	n = tcps_split(r->in.line, f, ARRAY_SIZE(f));
	for (i = 0; i < want; i++)
		if (i >= n || strcmp(f[i], titles[i]))
			goto bad;
	if (r->version < 2)
		return true;
	/* Format 2 appends two columns: they must be these. */
	if (n >= want + 2 && !strcmp(f[want], "Timer") &&
	    !strcmp(f[want + 1], "Idle"))
		return true;
bad:
	return tcps_bad(r, "expected the column titles 'Proto Recv-Q Send-Q Local Address Foreign Address State UID Inode%s'",
			r->version < 2 ? "" : " Timer Idle");
}

int tcps_reader_open(struct tcps_reader *r, const char *path)
{
	memset(r, 0, sizeof(*r));
	if (!strcmp(path, "-")) {
		r->in.name = "<stdin>";
		r->in.fp = stdin;
	} else {
		r->in.name = path;
		r->in.fp = fopen(path, "re");
		if (!r->in.fp) {
			int e = errno;

			tcps_err("%s: %s", path, strerror(e));
			if (e == ENOENT && !strcmp(path, TCPSTATES_PROC_PATH))
				tcps_err("the tcpstates module is not loaded: run 'modprobe tcpstates' (or insmod tcpstates.ko)");
			return r->in.status = TCPS_EXIT_RUNTIME;
		}
		r->own_fp = true;
	}
	if (tcps_read_title(r))
		tcps_read_columns(r);
	return r->in.status;
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

	if (!tcps_lines_next(&r->in)) {
		if (!r->in.status)
			tcps_eof(r, "unexpected end of file: no counter block after the blank line");
		return;
	}
	if (tcps_split(r->in.line, f, 3) != 2 ||
	    strcmp(f[0], TCPSTATES_COUNT_TITLE) || strcmp(f[1], "Count")) {
		tcps_bad(r, "expected '%s Count' after the blank line that ends the rows",
			 TCPSTATES_COUNT_TITLE);
		return;
	}
	for (;;) {
		if (!tcps_lines_next(&r->in)) {
			if (!r->in.status)
				tcps_eof(r, "unexpected end of file: the counter block has no %s line",
					 TCPSTATES_TOTAL_NAME);
			return;
		}
		if (tcps_split(r->in.line, f, 3) != 2) {
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
		r->block_line[id] = r->in.lineno;
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
	r->total_line = r->in.lineno;
	if (tcps_lines_next(&r->in))
		tcps_bad(r, "unexpected text after the %s line",
			 TCPSTATES_TOTAL_NAME);
}

bool tcps_reader_next(struct tcps_reader *r, struct tcps_row *row)
{
	char *f[10];
	size_t n;

	if (r->in.status || r->total_line)
		return false;
	if (!tcps_lines_next(&r->in)) {
		if (!r->in.status)
			tcps_eof(r, "unexpected end of file: no counter block (a blank line, then '%s Count'): the file is truncated",
				 TCPSTATES_COUNT_TITLE);
		return false;
	}
	n = tcps_split(r->in.line, f, ARRAY_SIZE(f));
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
		tcps_input_err(r->in.name, r->block_line[id],
			       "the counter block says %s %llu, but the rows have %llu",
			       tcps_state_names[id], r->block[id],
			       r->row_counts[id]);
		rc = TCPS_EXIT_MALFORMED;
	}
	if (r->block_total != r->rows) {
		tcps_input_err(r->in.name, r->total_line,
			       "the counter block says %s %llu, but there are %llu rows",
			       TCPSTATES_TOTAL_NAME, r->block_total, r->rows);
		rc = TCPS_EXIT_MALFORMED;
	}
	return rc;
}

void tcps_reader_close(struct tcps_reader *r)
{
	if (r->own_fp && r->in.fp)
		fclose(r->in.fp);
	r->in.fp = NULL;
}
