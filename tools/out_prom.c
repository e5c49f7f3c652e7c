// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text for node_exporter's textfile collector.
 *
 * The names are our own, so that they can never collide with those of
 * node_exporter's tcpstat collector (node_tcp_connection_states), which a
 * "sum by (state)" would otherwise add to ours.  Every state is always
 * present: a series that vanishes at zero reads as "no data" rather
 * than 0.  Two outputs of different filters carry different "filter"
 * labels, so node_exporter keeps both when they share a directory.
 */
#include "output.h"
#include "states.h"

/* A label value in the text format: \, " and newline escaped. */
static void tcps_prom_value(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n') {
			fputs("\\n", out);
			continue;
		}
		fputc(*s, out);
	}
}

/* The labels every series has: the netns, and the filter if one. */
static void tcps_prom_labels(FILE *out, unsigned long long netns,
			     const char *filter)
{
	fprintf(out, "netns=\"%llu\"", netns);
	if (filter) {
		fputs(",filter=\"", out);
		tcps_prom_value(out, filter);
		fputc('"', out);
	}
}

void tcps_prom_counts(FILE *out, unsigned long long netns,
		      const struct tcps_counts *c, const char *filter)
{
	int id;

	fputs("# HELP tcpstates_sockets TCP sockets per state in /proc/tcpstates (label filter: the selection, when one was given).\n"
	      "# TYPE tcpstates_sockets gauge\n", out);
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		fputs("tcpstates_sockets{", out);
		tcps_prom_labels(out, netns, filter);
		fputs(",state=\"", out);
		tcps_print_state_label(out, id);
		fprintf(out, "\"} %llu\n", c->n[id]);
	}
}

void tcps_prom_trans(FILE *out, const struct tcps_trans *t)
{
	const struct tcps_trans_hook *h;
	int from, to;

	fputs("# HELP tcpstates_transitions_total TCP state changes since the module was loaded or the namespace created, from /proc/tcpstates_transitions.\n"
	      "# TYPE tcpstates_transitions_total counter\n", out);
	for (from = 0; from < TCPS_TRANS_SLOTS; from++) {
		for (to = 0; to < TCPS_TRANS_SLOTS; to++) {
			if (!t->seen[from][to])
				continue;
			fprintf(out, "tcpstates_transitions_total{netns=\"%llu\",from=\"",
				t->netns);
			tcps_print_trans_label(out, from);
			fputs("\",to=\"", out);
			tcps_print_trans_label(out, to);
			fprintf(out, "\"} %llu\n", t->count[from][to]);
		}
	}
	fputs("# HELP tcpstates_transition_hook_attached Whether the module observes this kind of state change (0: its changes are absent above).\n"
	      "# TYPE tcpstates_transition_hook_attached gauge\n", out);
	for (h = t->hooks; h < t->hooks + t->nhooks; h++)
		fprintf(out, "tcpstates_transition_hook_attached{netns=\"%llu\",hook=\"%s\"} %d\n",
			t->netns, h->name, h->attached);
	fputs("# HELP tcpstates_transition_hook_missed_total Hits of an attached hook that could not be recorded, all namespaces.\n"
	      "# TYPE tcpstates_transition_hook_missed_total counter\n", out);
	for (h = t->hooks; h < t->hooks + t->nhooks; h++)
		if (h->attached)
			fprintf(out, "tcpstates_transition_hook_missed_total{netns=\"%llu\",hook=\"%s\"} %llu\n",
				t->netns, h->name, h->missed);
}
