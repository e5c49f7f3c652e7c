// SPDX-License-Identifier: GPL-2.0
/*
 * --check: what an operator would look for in the table, as findings
 * with a monitoring plugin's exit status (0 OK, 1 WARNING, 2 CRITICAL,
 * 3 UNKNOWN: the check could not run), or as Prometheus gauges:
 *
 *   close-wait    a CLOSE_WAIT socket idle (nothing received) for longer
 *                 than the thresholds: its peer closed long ago and the
 *                 local application never closed its end;
 *   accept-queue  a listener whose accept queue is filled to a share of
 *                 its limit (from inet_diag: the file, like
 *                 /proc/net/tcp, does not give the limit); full, the
 *                 kernel drops new handshakes;
 *   bound         a port held by a socket that neither listens nor is
 *                 connected (a CLOSE row).
 *
 * Each finding names the socket and, as far as this user may see them,
 * the processes holding it.
 */
#include <stdio.h>
#include <string.h>

#include "backlog.h"
#include "check.h"
#include "filter.h"
#include "msg.h"
#include "owners.h"
#include "reader.h"
#include "states.h"

enum { TCPS_FIND_CLOSE_WAIT, TCPS_FIND_QUEUE, TCPS_FIND_BOUND,
       TCPS_FINDS };

static const char *const tcps_find_names[TCPS_FINDS] = {
	"close-wait", "accept-queue", "bound",
};

struct tcps_checker {
	const struct tcps_opts *o;
	struct tcps_owners owners;
	struct tcps_backlogs backlogs;
	/* [kind][0]: warnings, [kind][1]: critical. */
	unsigned long long n[TCPS_FINDS][2];
	unsigned long long rows;
};

static void tcps_check_endpoint(const struct tcps_row *row,
				const struct tcps_endpoint *ep)
{
	if (ep->port)
		printf(row->v6 ? "[%s]:%u" : "%s:%u", ep->addr, ep->port);
	else
		printf(row->v6 ? "[%s]:*" : "%s:*", ep->addr);
}

static void tcps_check_report(struct tcps_checker *c, int kind, bool crit,
			      const struct tcps_row *row, const char *why)
{
	const struct tcps_owner *w;
	size_t n;

	c->n[kind][crit]++;
	if (c->o->format == TCPS_FMT_PROM)
		return;
	printf("%s %s ", crit ? "CRITICAL" : "WARNING", tcps_find_names[kind]);
	tcps_check_endpoint(row, &row->local);
	putchar(' ');
	tcps_check_endpoint(row, &row->remote);
	printf(": %s", why);
	w = tcps_owners_find(&c->owners, row->inode, &n);
	if (n)
		putchar(' ');
	tcps_owners_print(stdout, w, n);
	putchar('\n');
}

static void tcps_check_row(struct tcps_checker *c, const struct tcps_row *row)
{
	const struct tcps_check_limits *l = &c->o->check_limits;
	const struct tcps_backlog *b;
	unsigned long long pct;
	char why[160];

	switch (row->state) {
	case TCPS_CLOSE_WAIT:
		if (!row->has_idle || row->idle_rcv_ms < l->close_wait_warn * 1000)
			return;
		snprintf(why, sizeof(why),
			 "idle %llu.%03llu s: the peer closed, the application never did",
			 row->idle_rcv_ms / 1000, row->idle_rcv_ms % 1000);
		tcps_check_report(c, TCPS_FIND_CLOSE_WAIT,
				  row->idle_rcv_ms >= l->close_wait_crit * 1000,
				  row, why);
		break;
	case TCPS_LISTEN:
		b = tcps_backlogs_find(&c->backlogs, row->inode);
		if (!b)
			return;
		/* A limit of 0 holds one connection, as the kernel counts. */
		pct = (unsigned long long)b->queued * 100 /
		      (b->limit ? b->limit : 1);
		if (b->queued <= b->limit && pct < l->queue_warn)
			return;
		snprintf(why, sizeof(why),
			 "accept queue %u of %u%s: the application does not accept() fast enough",
			 b->queued, b->limit,
			 b->queued > b->limit ? ", full (new handshakes are dropped)" : "");
		tcps_check_report(c, TCPS_FIND_QUEUE,
				  b->queued > b->limit || pct >= l->queue_crit,
				  row, why);
		break;
	case TCPS_CLOSE:
		if (l->ignore_bound)
			return;
		tcps_check_report(c, TCPS_FIND_BOUND, false, row,
				  "bound, neither listening nor connected");
		break;
	}
}

static void tcps_check_prom(const struct tcps_checker *c,
			    unsigned long long netns)
{
	static const char *const sev[2] = { "warning", "critical" };
	int k, s;

	fputs("# HELP tcpstates_check_findings Sockets tcpstates --check finds worth a look, by kind and severity.\n"
	      "# TYPE tcpstates_check_findings gauge\n", stdout);
	for (k = 0; k < TCPS_FINDS; k++)
		for (s = 0; s < 2; s++)
			printf("tcpstates_check_findings{netns=\"%llu\",check=\"%s\",severity=\"%s\"} %llu\n",
			       netns, tcps_find_names[k], sev[s], c->n[k][s]);
}

int tcps_check(const struct tcps_opts *o)
{
	static struct tcps_checker c;
	unsigned long long warn = 0, crit = 0;
	struct tcps_reader r;
	struct tcps_row row;
	int rc, k;

	memset(&c, 0, sizeof(c));
	c.o = o;
	/* Who holds what and the queues' limits first, then the file. */
	if (tcps_owners_scan(&c.owners, o->proc_dir) ||
	    tcps_backlogs_read(&c.backlogs)) {
		rc = TCPS_CHECK_UNKNOWN;
		goto out;
	}
	rc = tcps_reader_open(&r, o->file);
	if (!rc && r.version < 2) {
		tcps_err("%s: format 1 has no Idle column: --check needs a module of format 2",
			 o->file);
		rc = TCPS_EXIT_MALFORMED;
	}
	while (!rc && tcps_reader_next(&r, &row)) {
		c.rows++;
		if (!tcps_filter_active(&o->filter) ||
		    tcps_filter_match(&o->filter, &row))
			tcps_check_row(&c, &row);
	}
	if (!rc)
		rc = r.in.status;
	if (!rc)
		rc = tcps_reader_check(&r);
	tcps_reader_close(&r);
	if (rc) {
		rc = TCPS_CHECK_UNKNOWN;
		goto out;
	}
	for (k = 0; k < TCPS_FINDS; k++) {
		warn += c.n[k][0];
		crit += c.n[k][1];
	}
	if (o->format == TCPS_FMT_PROM) {
		/* Findings are data here: a collector keeps the file. */
		tcps_check_prom(&c, r.netns);
		rc = TCPS_CHECK_OK;
		goto out;
	}
	printf("%s: %llu critical, %llu warning%s, of %llu sockets\n",
	       crit ? "CRITICAL" : warn ? "WARNING" : "OK", crit, warn,
	       warn == 1 ? "" : "s", c.rows);
	rc = crit ? TCPS_CHECK_CRITICAL : warn ? TCPS_CHECK_WARNING :
	     TCPS_CHECK_OK;
out:
	tcps_owners_free(&c.owners);
	tcps_backlogs_free(&c.backlogs);
	return rc;
}
