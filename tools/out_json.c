// SPDX-License-Identifier: GPL-2.0
/*
 * JSON output.  Written as the rows stream by, one socket per line, so a
 * million sockets never sit in memory.
 *
 * No string is escaped: every one is "tcp"/"tcp6", a uapi state name, or
 * an address inet_pton() accepted (hex digits, '.', ':'), and none of
 * those can hold a quote, a backslash or a control character.
 */
#include "output.h"
#include "states.h"

/*
 * The version of the JSON documents this tool writes, which is not the
 * version of the file it reads: a new column of /proc/tcpstates changes
 * nothing here until the tool outputs it.
 */
#define TCPS_JSON_FORMAT_VERSION	1

void tcps_json_open(FILE *out, unsigned long long netns)
{
	fprintf(out, "{\"format_version\":%d,\"netns\":%llu",
		TCPS_JSON_FORMAT_VERSION, netns);
}

void tcps_json_sockets_open(FILE *out)
{
	fputs(",\"sockets\":[", out);
}

/* Format 2's Timer and Idle: seconds as JSON numbers, 3 decimals. */
static void tcps_json_timers(FILE *out, const struct tcps_row *row)
{
	static const char *const names[] = TCPS_TIMER_NAMES;

	fprintf(out, ",\"timer\":{\"name\":\"%s\",\"seconds\":%llu.%03llu,",
		names[row->timer], row->timer_ms / 1000, row->timer_ms % 1000);
	fprintf(out, "\"retransmits\":%llu,\"probes\":%llu},\"idle\":",
		row->retrans, row->probes);
	if (!row->has_idle) {
		fputs("null", out);
		return;
	}
	fprintf(out, "{\"received_seconds\":%llu.%03llu,\"sent_seconds\":%llu.%03llu}",
		row->idle_rcv_ms / 1000, row->idle_rcv_ms % 1000,
		row->idle_snd_ms / 1000, row->idle_snd_ms % 1000);
}

void tcps_json_row(FILE *out, const struct tcps_row *row, bool first,
		   const struct tcps_owners *owners)
{
	const struct tcps_owner *w;
	size_t n;

	fprintf(out, "%s\n{\"proto\":\"%s\",\"recv_q\":%llu,\"send_q\":%llu,",
		first ? "" : ",", row->v6 ? "tcp6" : "tcp",
		row->recv_q, row->send_q);
	fprintf(out, "\"local_address\":\"%s\",\"local_port\":%u,",
		row->local.addr, row->local.port);
	fprintf(out, "\"remote_address\":\"%s\",\"remote_port\":%u,",
		row->remote.addr, row->remote.port);
	fprintf(out, "\"state\":\"%s\",\"uid\":%llu,\"inode\":%llu",
		tcps_state_names[row->state], row->uid, row->inode);
	if (row->has_timer)
		tcps_json_timers(out, row);
	if (owners) {
		w = tcps_owners_find(owners, row->inode, &n);
		fputs(",\"users\":", out);
		tcps_owners_json(out, w, n);
	}
	fputc('}', out);
}

void tcps_json_sockets_close(FILE *out)
{
	fputs("\n]", out);
}

static void tcps_json_state_counts(FILE *out, const struct tcps_counts *c)
{
	int id;

	fputc('{', out);
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		fprintf(out, "%s\"%s\":%llu", id == TCPS_STATE_FIRST ? "" : ",",
			tcps_state_names[id], c->n[id]);
	fputc('}', out);
}

void tcps_json_counts(FILE *out, const struct tcps_counts *c)
{
	fputs(",\"counts\":", out);
	tcps_json_state_counts(out, c);
	fprintf(out, ",\"total\":%llu", c->total);
}

void tcps_json_close(FILE *out)
{
	fputs("}\n", out);
}

/* A signed difference of two unsigned counts, without overflow. */
static void tcps_json_delta(FILE *out, unsigned long long now,
			    unsigned long long before)
{
	if (now >= before)
		fprintf(out, "%llu", now - before);
	else
		fprintf(out, "-%llu", before - now);
}

void tcps_json_watch(FILE *out, unsigned long long netns,
		     unsigned long long sample, const struct tcps_counts *c,
		     const struct tcps_counts *prev)
{
	int id;

	tcps_json_open(out, netns);
	fprintf(out, ",\"sample\":%llu", sample);
	tcps_json_counts(out, c);
	if (!prev) {
		/* Nothing to compare the first sample with. */
		fputs(",\"delta\":null,\"total_delta\":null", out);
	} else {
		fputs(",\"delta\":{", out);
		for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
			fprintf(out, "%s\"%s\":", id == TCPS_STATE_FIRST ? "" : ",",
				tcps_state_names[id]);
			tcps_json_delta(out, c->n[id], prev->n[id]);
		}
		fputs("},\"total_delta\":", out);
		tcps_json_delta(out, c->total, prev->total);
	}
	tcps_json_close(out);
}
