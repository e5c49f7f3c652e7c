/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The output formats: the module's table, JSON, Prometheus text.
 */
#ifndef TCPS_OUTPUT_H
#define TCPS_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "owners.h"
#include "reader.h"
#include "trans.h"

/* Sockets per state id, and their sum. */
struct tcps_counts {
	unsigned long long n[TCPS_STATE_SLOTS];
	unsigned long long total;
};

/* The table, laid out as the module lays it out; @timers: format 2's. */
/* @owners: -p's, or NULL; a Process column then ends each row. */
void tcps_text_header(FILE *out, bool timers, bool owners);
void tcps_text_row(FILE *out, const struct tcps_row *row,
		   const struct tcps_owners *owners);
void tcps_text_counts(FILE *out, const struct tcps_counts *c, bool header);
/* One --watch sample; @prev is NULL for the first. */
void tcps_text_watch(FILE *out, const struct tcps_counts *c,
		     const struct tcps_counts *prev, bool header);

/*
 * One JSON document: tcps_json_open(), then optionally the sockets array
 * (tcps_json_sockets_open(), rows, tcps_json_sockets_close()), then
 * tcps_json_counts() and tcps_json_close().
 */
void tcps_json_open(FILE *out, unsigned long long netns);
void tcps_json_sockets_open(FILE *out);
void tcps_json_row(FILE *out, const struct tcps_row *row, bool first,
		   const struct tcps_owners *owners);
void tcps_json_sockets_close(FILE *out);
void tcps_json_counts(FILE *out, const struct tcps_counts *c);
void tcps_json_close(FILE *out);
/* One --watch sample: one document on one line. */
void tcps_json_watch(FILE *out, unsigned long long netns,
		     unsigned long long sample, const struct tcps_counts *c,
		     const struct tcps_counts *prev);

/*
 * node_exporter textfile-collector metrics: the counts (@filter: the
 * selection's text, or NULL), and the transition counters.
 */
void tcps_prom_counts(FILE *out, unsigned long long netns,
		      const struct tcps_counts *c, const char *filter);
void tcps_prom_trans(FILE *out, const struct tcps_trans *t);

#endif /* TCPS_OUTPUT_H */
