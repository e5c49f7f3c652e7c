// SPDX-License-Identifier: GPL-2.0
/*
 * One pass over the file.  Rows are printed and counted as they stream
 * by and then forgotten: memory is the same for ten sockets or ten
 * million.
 */
#include <stdio.h>
#include <string.h>

#include "msg.h"
#include "reader.h"
#include "sample.h"

/* -p's owners: scanned once per sample, before the file is read. */
static struct tcps_owners tcps_owners;

static void tcps_list_begin(const struct tcps_opts *o,
			    const struct tcps_reader *r)
{
	if (o->format == TCPS_FMT_JSON) {
		tcps_json_open(stdout, r->netns);
		tcps_json_sockets_open(stdout);
	} else if (!o->no_header) {
		tcps_text_header(stdout, r->version >= 2, o->processes);
	}
}

static void tcps_list_row(const struct tcps_opts *o, const struct tcps_row *row,
			  bool first)
{
	const struct tcps_owners *w = o->processes ? &tcps_owners : NULL;

	if (o->format == TCPS_FMT_JSON)
		tcps_json_row(stdout, row, first, w);
	else
		tcps_text_row(stdout, row, w);
}

static void tcps_list_end(const struct tcps_opts *o,
			  const struct tcps_counts *c)
{
	if (o->format != TCPS_FMT_JSON)
		return;
	tcps_json_sockets_close(stdout);
	tcps_json_counts(stdout, c);
	tcps_json_close(stdout);
}

int tcps_read_sample(const struct tcps_opts *o, bool list,
		     struct tcps_sample *s)
{
	bool filtering = tcps_filter_active(&o->filter);
	struct tcps_counts selected;
	struct tcps_reader r;
	struct tcps_row row;
	int rc, id;

	memset(s, 0, sizeof(*s));
	memset(&selected, 0, sizeof(selected));
	/*
	 * The processes first, then the file: a socket opened in between
	 * shows without its owner, never an owner with a stale socket.
	 */
	if (list && o->processes) {
		rc = tcps_owners_scan(&tcps_owners, o->proc_dir);
		if (rc)
			return rc;
	}
	rc = tcps_reader_open(&r, o->file);
	if (rc)
		goto out;
	s->netns = r.netns;
	if (list)
		tcps_list_begin(o, &r);
	while (tcps_reader_next(&r, &row)) {
		if (filtering && !tcps_filter_match(&o->filter, &row))
			continue;
		selected.n[row.state]++;
		selected.total++;
		if (list)
			tcps_list_row(o, &row, selected.total == 1);
	}
	rc = r.in.status;
	if (rc)
		goto out;
	/* A disagreement is reported, but everything was read: show it. */
	rc = tcps_reader_check(&r);
	s->complete = true;
	if (filtering || list) {
		s->counts = selected;
	} else {
		for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
			s->counts.n[id] = r.block[id];
		s->counts.total = r.block_total;
	}
	if (list)
		tcps_list_end(o, &s->counts);
out:
	tcps_reader_close(&r);
	tcps_owners_free(&tcps_owners);
	return rc;
}
