// SPDX-License-Identifier: GPL-2.0
/*
 * The table output: the module's own layout (module/render.c, netstat's
 * column widths), so that the output of a filter reads like the file.
 * Rows are printed from their parsed fields, not copied, so the layout is
 * the same whatever spacing the input had.
 */
#include "output.h"
#include "states.h"

#define TCPS_W_ADDR	23
#define TCPS_W_TIMER	23

void tcps_text_header(FILE *out, bool timers, bool owners)
{
	fprintf(out, "%-5s %6s %6s %-*s %-*s %-*s %8s %10s",
		"Proto", "Recv-Q", "Send-Q", TCPS_W_ADDR, "Local Address",
		TCPS_W_ADDR, "Foreign Address", TCPS_STATE_NAME_MAX, "State",
		"UID", "Inode");
	if (timers)
		fprintf(out, " %-*s %-4s", TCPS_W_TIMER, "Timer", "Idle");
	if (owners)
		fputs(" Process", out);
	fputc('\n', out);
}

/* Milliseconds as seconds with three decimals. */
static int tcps_text_ms(FILE *out, unsigned long long ms)
{
	return fprintf(out, "%llu.%03llu", ms / 1000, ms % 1000);
}

/* The Timer and Idle columns, as the module writes them. */
static void tcps_text_timers(FILE *out, const struct tcps_row *row)
{
	static const char *const names[] = TCPS_TIMER_NAMES;
	int n;

	n = fprintf(out, " %s(", names[row->timer]);
	n += tcps_text_ms(out, row->timer_ms);
	n += fprintf(out, "/%llu/%llu)", row->retrans, row->probes);
	for (; n >= 0 && n < 1 + TCPS_W_TIMER; n++)
		fputc(' ', out);
	fputc(' ', out);
	if (!row->has_idle) {
		fputc('-', out);
		return;
	}
	tcps_text_ms(out, row->idle_rcv_ms);
	fputc('/', out);
	tcps_text_ms(out, row->idle_snd_ms);
}

/* " a.b.c.d:port" or " [v6]:port", port 0 as "*", padded to the column. */
static void tcps_text_endpoint(FILE *out, const struct tcps_endpoint *ep,
			       bool v6)
{
	const char *open = v6 ? "[" : "", *close = v6 ? "]" : "";
	int n;

	if (ep->port)
		n = fprintf(out, " %s%s%s:%u", open, ep->addr, close, ep->port);
	else
		n = fprintf(out, " %s%s%s:*", open, ep->addr, close);
	/* A long IPv6 address overflows its column, as in the module. */
	for (; n >= 0 && n < 1 + TCPS_W_ADDR; n++)
		fputc(' ', out);
}

void tcps_text_row(FILE *out, const struct tcps_row *row,
		   const struct tcps_owners *owners)
{
	const struct tcps_owner *w;
	size_t n;

	fprintf(out, "%-5s %6llu %6llu", row->v6 ? "tcp6" : "tcp",
		row->recv_q, row->send_q);
	tcps_text_endpoint(out, &row->local, row->v6);
	tcps_text_endpoint(out, &row->remote, row->v6);
	fprintf(out, " %-*s %8llu %10llu", TCPS_STATE_NAME_MAX,
		tcps_state_names[row->state], row->uid, row->inode);
	if (row->has_timer)
		tcps_text_timers(out, row);
	if (owners) {
		w = tcps_owners_find(owners, row->inode, &n);
		if (n)
			fputc(' ', out);
		tcps_owners_print(out, w, n);
	}
	fputc('\n', out);
}

/* The module's counter block, byte for byte when nothing is filtered. */
void tcps_text_counts(FILE *out, const struct tcps_counts *c, bool header)
{
	int id;

	if (header)
		fprintf(out, "%-*s %7s\n", TCPS_STATE_NAME_MAX,
			TCPSTATES_COUNT_TITLE, "Count");
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		fprintf(out, "%-*s %7llu\n", TCPS_STATE_NAME_MAX,
			tcps_state_names[id], c->n[id]);
	fprintf(out, "%-*s %7llu\n", TCPS_STATE_NAME_MAX,
		TCPSTATES_TOTAL_NAME, c->total);
}

/* "+3", "-1", "0"; "-" when there is no previous sample to compare. */
static void tcps_text_delta(FILE *out, bool first, unsigned long long now,
			    unsigned long long before)
{
	char buf[32];

	if (first)
		snprintf(buf, sizeof(buf), "-");
	else if (now > before)
		snprintf(buf, sizeof(buf), "+%llu", now - before);
	else if (now < before)
		snprintf(buf, sizeof(buf), "-%llu", before - now);
	else
		snprintf(buf, sizeof(buf), "0");
	fprintf(out, " %7s\n", buf);
}

void tcps_text_watch(FILE *out, const struct tcps_counts *c,
		     const struct tcps_counts *prev, bool header)
{
	int id;

	if (prev)
		fputc('\n', out);
	if (header)
		fprintf(out, "%-*s %7s %7s\n", TCPS_STATE_NAME_MAX,
			TCPSTATES_COUNT_TITLE, "Count", "Delta");
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		fprintf(out, "%-*s %7llu", TCPS_STATE_NAME_MAX,
			tcps_state_names[id], c->n[id]);
		tcps_text_delta(out, !prev, c->n[id], prev ? prev->n[id] : 0);
	}
	fprintf(out, "%-*s %7llu", TCPS_STATE_NAME_MAX, TCPSTATES_TOTAL_NAME,
		c->total);
	tcps_text_delta(out, !prev, c->total, prev ? prev->total : 0);
}
