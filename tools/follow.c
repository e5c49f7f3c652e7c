// SPDX-License-Identifier: GPL-2.0
/*
 * --follow: what BCC's tcpstates shows, without BPF: one line per state
 * change as the module logs it, with the milliseconds the socket spent
 * in the state it left, taken from its previous entry (same cookie).
 *
 * The follow file gives the log's snapshot, then new entries as they
 * come; poll() says when there are some.  SIGINT and SIGTERM are blocked
 * except inside ppoll(), so a stop is never lost between a check and the
 * wait (as in watch.c); then the count of entries the rings overwrote
 * before they could be read ("LOST" lines) is reported.
 *
 * Memory is bounded: the last entry time of a socket is kept in a
 * direct-mapped table of TCPS_FOLLOW_SOCKETS cookies; a cookie pushed out
 * by another shows "-", never a wrong duration.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "filter.h"
#include "follow.h"
#include "lines.h"
#include "msg.h"
#include "number.h"
#include "states.h"
#include "trans.h"
#include "util.h"

#define TCPS_FOLLOW_SOCKETS	65536	/* a power of two */

struct tcps_seen_entry {
	unsigned long long cookie, ns;
};

struct tcps_follow {
	const struct tcps_opts *o;
	const char *name;
	unsigned long lineno;
	unsigned long long printed, lost;
	struct tcps_seen_entry *seen;
	char buf[TCPS_LINE_MAX + 2];
	size_t len;
};

static volatile sig_atomic_t tcps_follow_stop;

static void tcps_follow_on_signal(int sig)
{
	(void)sig;
	tcps_follow_stop = 1;
}

static int tcps_follow_bad(struct tcps_follow *f, const char *what)
{
	tcps_input_err(f->name, f->lineno, "%s", what);
	return TCPS_EXIT_MALFORMED;
}

/* "12345.000000001" -> nanoseconds. */
static bool tcps_parse_stamp(const char *s, unsigned long long *ns)
{
	const char *dot = strchr(s, '.');
	unsigned long long sec, frac;
	char head[24];

	if (!dot || dot == s || (size_t)(dot - s) >= sizeof(head) ||
	    strlen(dot + 1) != 9)
		return false;
	memcpy(head, s, dot - s);
	head[dot - s] = '\0';
	return tcps_parse_u64(head, &sec) && tcps_parse_u64(dot + 1, &frac) &&
	       !__builtin_mul_overflow(sec, 1000000000ULL, ns) &&
	       !__builtin_add_overflow(*ns, frac, ns);
}

static bool tcps_parse_hex(const char *s, unsigned long long *v)
{
	unsigned long long n = 0;
	int d;

	if (!*s || strlen(s) > 16)
		return false;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else
			return false;
		n = n << 4 | d;
	}
	*v = n;
	return true;
}

/* A TCP state for the filter: the request and timewait pseudo-states
 * are shown as the file and /proc/net/tcp show them. */
static int tcps_follow_filter_state(int id)
{
	if (id == TCPS_TRANS_NEW_SYN_RECV)
		return TCPS_SYN_RECV;
	if (id == TCPS_TRANS_TW_FIN_WAIT2)
		return TCPS_FIN_WAIT2;
	return id;
}

/*
 * The microseconds since @key's previous entry, or -1; with @update, this
 * entry becomes its previous one.
 */
static long long tcps_follow_since(struct tcps_follow *f,
				   unsigned long long key,
				   unsigned long long ns, bool update)
{
	struct tcps_seen_entry *e;
	long long us = -1;

	e = &f->seen[(key * 0x9e3779b97f4a7c15ULL) >> 48 &
		     (TCPS_FOLLOW_SOCKETS - 1)];
	if (e->cookie == key && ns >= e->ns)
		us = (long long)((ns - e->ns) / 1000);
	if (update) {
		e->cookie = key;
		e->ns = ns;
	}
	return us;
}

/*
 * A timewait socket has its full socket's cookie, and both log entries
 * at its birth: "X -> TIME_WAIT" (the timewait socket's) and "X -> CLOSE"
 * (the full socket's).  Each object keeps its own time: the timewait
 * socket under the cookie's complement.  Cookie 0 (a child's first
 * entry on 6.x, a copy of its listener) has no time.
 */
static long long tcps_follow_time(struct tcps_follow *f, unsigned long long cookie,
				  int from, int to, unsigned long long ns)
{
	bool tw_from = from == TCPS_TIME_WAIT || from == TCPS_TRANS_TW_FIN_WAIT2;
	bool tw_to = to == TCPS_TIME_WAIT || to == TCPS_TRANS_TW_FIN_WAIT2;
	long long us;

	if (!cookie)
		return -1;
	if (tw_from)
		return tcps_follow_since(f, ~cookie, ns, true);
	if (!tw_to)
		return tcps_follow_since(f, cookie, ns, true);
	/* The birth: the full socket's time in X; the timewait's starts. */
	us = tcps_follow_since(f, cookie, ns, false);
	tcps_follow_since(f, ~cookie, ns, true);
	return us;
}

/*
 * One line of the log after its titles: an entry, or "LOST n".
 * Returns -1 to go on, or an exit status.
 */
static int tcps_follow_line(struct tcps_follow *f, char *line)
{
	unsigned long long ns, netns, cookie, n;
	char local[64], foreign[64], canon[INET6_ADDRSTRLEN];
	struct tcps_row row = { 0 };
	int from, to;
	long long us;
	char *w[10];
	size_t nw;

	nw = tcps_split(line, w, ARRAY_SIZE(w));
	if (nw == 2 && !strcmp(w[0], TCPSTATES_TRANS_LOG_LOST)) {
		if (!tcps_parse_u64(w[1], &n))
			return tcps_follow_bad(f, "bad LOST count");
		f->lost += n;
		printf("LOST %llu entries: the rings overwrote them before this read\n",
		       n);
		return -1;
	}
	if (nw != 8)
		return tcps_follow_bad(f, "expected TIME NETNS PROTO FROM TO LOCAL FOREIGN COOKIE");
	from = tcps_trans_state_id(w[3]);
	to = tcps_trans_state_id(w[4]);
	if (!tcps_parse_stamp(w[0], &ns) || !tcps_parse_u64(w[1], &netns) ||
	    (strcmp(w[2], "tcp") && strcmp(w[2], "tcp6")) || from < 0 ||
	    to < 0 || !tcps_parse_hex(w[7], &cookie))
		return tcps_follow_bad(f, "malformed entry");
	row.v6 = !strcmp(w[2], "tcp6");
	/* Printed as given; parsed (cut in place) from copies. */
	if (strlen(w[5]) >= sizeof(local) || strlen(w[6]) >= sizeof(foreign))
		return tcps_follow_bad(f, "bad address");
	strcpy(local, w[5]);
	strcpy(foreign, w[6]);
	if (tcps_parse_endpoint_text(w[5], row.v6, &row.local.addr,
				     &row.local.port, canon) ||
	    tcps_parse_endpoint_text(w[6], row.v6, &row.remote.addr,
				     &row.remote.port, canon))
		return tcps_follow_bad(f, "bad address: not as the module writes it");
	/* Every entry counts for the time in state, selected or not. */
	us = tcps_follow_time(f, cookie, from, to, ns);
	row.state = tcps_follow_filter_state(to);
	if (row.state && tcps_filter_active(&f->o->filter) &&
	    !tcps_filter_match(&f->o->filter, &row))
		return -1;
	printf("%llu.%06llu %-5s %-23s %-23s %-12s -> %-12s ", ns / 1000000000,
	       ns % 1000000000 / 1000, w[2], local, foreign,
	       tcps_trans_state_name(from), tcps_trans_state_name(to));
	if (us < 0)
		printf("%10s", "-");
	else
		printf("%6lld.%03lld", us / 1000, us % 1000);
	printf(" %s\n", w[7]);
	fflush(stdout);
	f->printed++;
	return f->o->count && f->printed >= f->o->count ? TCPS_EXIT_OK : -1;
}

/* The title and the column titles; -1 to go on, or an exit status. */
static int tcps_follow_titles(struct tcps_follow *f, char *line)
{
	char want[16], *w[10];
	size_t nw;

	nw = tcps_split(line, w, ARRAY_SIZE(w));
	if (f->lineno == 1) {
		snprintf(want, sizeof(want), "%d:",
			 TCPSTATES_TRANS_LOG_FORMAT_VERSION);
		if (nw < 2 || strcmp(w[0], TCPSTATES_TRANS_LOG_MAGIC) ||
		    strcmp(w[1], want))
			return tcps_follow_bad(f, "not a transitions log of format "
					       "version 2 (is the module older than this tool?)");
		return -1;
	}
	if (nw < 5 || strcmp(w[0], "Time") || strcmp(w[3], "From") ||
	    strcmp(w[4], "To"))
		return tcps_follow_bad(f, "expected the column titles 'Time Netns Proto From To ...'");
	if (!f->o->no_header) {
		printf("%-17s %-5s %-23s %-23s %-12s    %-12s %10s %s\n", "Time",
		       "Proto", "Local Address", "Foreign Address", "From",
		       "To", "ms in From", "Cookie");
		fflush(stdout);
	}
	return -1;
}

/* Every complete line in f->buf; -1 to go on, or an exit status. */
static int tcps_follow_lines(struct tcps_follow *f)
{
	char *start = f->buf, *nl;
	int rc = -1;

	while (rc < 0 && (nl = memchr(start, '\n', f->len - (start - f->buf)))) {
		*nl = '\0';
		f->lineno++;
		if (memchr(start, '\0', nl - start) || (nl > start && nl[-1] == '\r'))
			rc = tcps_follow_bad(f, "not a line of the module's log");
		else if (f->lineno <= 2)
			rc = tcps_follow_titles(f, start);
		else
			rc = tcps_follow_line(f, start);
		start = nl + 1;
	}
	f->len -= start - f->buf;
	memmove(f->buf, start, f->len);
	if (rc < 0 && f->len == sizeof(f->buf))
		rc = tcps_follow_bad(f, "a line longer than any the module writes");
	return rc;
}

int tcps_follow(const struct tcps_opts *o)
{
	static struct tcps_follow f;
	struct sigaction sa = { .sa_handler = tcps_follow_on_signal };
	sigset_t block, unblocked;
	struct pollfd pfd;
	ssize_t n;
	int rc = -1;

	f.o = o;
	f.name = strcmp(o->file, TCPSTATES_PROC_PATH) ? o->file :
		 TCPSTATES_TRANS_FOLLOW_PROC_PATH;
	f.seen = calloc(TCPS_FOLLOW_SOCKETS, sizeof(*f.seen));
	if (!f.seen) {
		tcps_err("out of memory");
		return TCPS_EXIT_RUNTIME;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	pfd.fd = open(f.name, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (pfd.fd < 0) {
		int err = errno;

		/* The module's answer when loaded with log=0. */
		tcps_err("%s: %s%s", f.name, strerror(err),
			 err == ENODATA ?
			 " (tcpstates was loaded with log=0: counting only)" : "");
		free(f.seen);
		return TCPS_EXIT_RUNTIME;
	}
	pfd.events = POLLIN;
	while (rc < 0 && !tcps_follow_stop) {
		if (ppoll(&pfd, 1, NULL, &unblocked) < 0) {
			if (errno == EINTR)
				continue;
			tcps_err("%s: poll: %s", f.name, strerror(errno));
			rc = TCPS_EXIT_RUNTIME;
			break;
		}
		n = read(pfd.fd, f.buf + f.len, sizeof(f.buf) - f.len);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (n < 0) {
			tcps_err("%s: read error: %s", f.name, strerror(errno));
			rc = TCPS_EXIT_RUNTIME;
			break;
		}
		if (!n) {
			/* The end of a file, or the module went away. */
			rc = f.len ? tcps_follow_bad(&f, "the last line has no newline") :
			     TCPS_EXIT_OK;
			break;
		}
		f.len += n;
		rc = tcps_follow_lines(&f);
	}
	close(pfd.fd);
	free(f.seen);
	if (f.lost)
		tcps_err("%llu entries were lost: the rings overwrote them before they could be read",
			 f.lost);
	return rc < 0 ? TCPS_EXIT_OK : rc;
}
