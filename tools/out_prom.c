// SPDX-License-Identifier: GPL-2.0
/*
 * Prometheus text for node_exporter's textfile collector.  The metric is
 * the one node_exporter's own tcpstat collector exports, with the same
 * state label values, so existing dashboards and alerts work unchanged;
 * the netns label tells namespaces apart when one host writes several.
 * Every state is always present: a series that vanishes at zero reads as
 * "no data" rather than 0.
 */
#include "output.h"
#include "states.h"

void tcps_prom_counts(FILE *out, unsigned long long netns,
		      const struct tcps_counts *c)
{
	int id;

	fputs("# HELP node_tcp_connection_states Number of connection states.\n"
	      "# TYPE node_tcp_connection_states gauge\n", out);
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		fputs("node_tcp_connection_states{state=\"", out);
		tcps_print_state_label(out, id);
		fprintf(out, "\",netns=\"%llu\"} %llu\n", netns, c->n[id]);
	}
	fputs("# HELP tcpstates_sockets_total Number of TCP sockets shown by /proc/tcpstates (the selected ones when filtered).\n"
	      "# TYPE tcpstates_sockets_total gauge\n", out);
	fprintf(out, "tcpstates_sockets_total{netns=\"%llu\"} %llu\n", netns,
		c->total);
}
