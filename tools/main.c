// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstates: list and count the TCP sockets of /proc/tcpstates.
 *
 * main() only picks the mode; each part lives in a file of its own:
 * opts.c the command line, reader.c the file format, filter.c the row
 * selection, sample.c one pass over the file, watch.c --watch, out_*.c
 * the output formats.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "explain.h"
#include "follow.h"
#include "msg.h"
#include "opts.h"
#include "output_file.h"
#include "sample.h"
#include "watch.h"

/* Was --check given?  (Before the command line could be parsed.) */
static bool tcps_asks_check(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--check"))
			return true;
	return false;
}

/*
 * -N NAME: into the namespace "ip netns add NAME" made, before any file
 * is opened (the module shows the netns of the opener), as ss -N does.
 * Only the network namespace: the paths stay this system's.
 */
static int tcps_enter_netns(const char *name)
{
	char path[PATH_MAX];
	int fd;

	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		tcps_err("bad network namespace name '%s'", name);
		return TCPS_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		tcps_err("network namespace '%s': %s: %s", name, path,
			 strerror(errno));
		return TCPS_EXIT_RUNTIME;
	}
	if (setns(fd, CLONE_NEWNET)) {
		tcps_err("network namespace '%s': %s%s", name, strerror(errno),
			 errno == EPERM ? " (entering one needs root)" : "");
		close(fd);
		return TCPS_EXIT_RUNTIME;
	}
	close(fd);
	return TCPS_EXIT_OK;
}

/*
 * The counts (those of a counter block that disagrees with the rows
 * too, with its exit status), then the transition counters when there
 * is a file of them, of the same netns; if that cannot be read, nothing.
 */
static int tcps_prom(const struct tcps_opts *o, const struct tcps_sample *s,
		     int rc)
{
	static struct tcps_trans t;
	int trc;

	if (o->trans_file) {
		trc = tcps_trans_read(o->trans_file, &t);
		if (trc)
			return trc;
		if (t.netns != s->netns) {
			tcps_err("%s is of net namespace %llu, %s of %llu",
				 o->trans_file, t.netns, o->file, s->netns);
			return TCPS_EXIT_MALFORMED;
		}
	}
	tcps_prom_counts(stdout, s->netns, &s->counts, o->filter_text);
	if (o->trans_file)
		tcps_prom_trans(stdout, &t);
	return rc;
}

/* Read once; print the rows as they come, or the counts at the end. */
static int tcps_once(const struct tcps_opts *o)
{
	bool list = !o->summary && o->format != TCPS_FMT_PROM;
	struct tcps_sample s;
	int rc;

	rc = tcps_read_sample(o, list, &s);
	/* A summary of a file that could not be read whole would lie. */
	if (list || !s.complete)
		return rc;
	switch (o->format) {
	case TCPS_FMT_TEXT:
		tcps_text_counts(stdout, &s.counts, !o->no_header);
		break;
	case TCPS_FMT_JSON:
		tcps_json_open(stdout, s.netns);
		tcps_json_counts(stdout, &s.counts);
		tcps_json_close(stdout);
		break;
	case TCPS_FMT_PROM:
		rc = tcps_prom(o, &s, rc);
		break;
	}
	return rc;
}

int main(int argc, char **argv)
{
	/* Static: the port bitmaps make it 16 KiB. */
	static struct tcps_opts o;
	int rc;

	rc = tcps_parse_args(&o, argc, argv);
	if (rc >= 0) {
		tcps_opts_free(&o);
		/* A monitoring check that cannot run is UNKNOWN, not CRITICAL. */
		return rc && tcps_asks_check(argc, argv) ? TCPS_CHECK_UNKNOWN : rc;
	}
	if (o.netns)
		rc = tcps_enter_netns(o.netns);
	if (rc <= 0 && o.output)
		rc = tcps_output_begin(o.output);
	if (rc > 0) {
		tcps_opts_free(&o);
		return o.check ? TCPS_CHECK_UNKNOWN : rc;
	}
	if (o.explain) {
		tcps_explain(stdout, o.explain);
		rc = TCPS_EXIT_OK;
	} else {
		rc = o.check ? tcps_check(&o) : o.follow ? tcps_follow(&o) :
		     o.watch ? tcps_watch(&o) : tcps_once(&o);
	}
	if (o.output)
		rc = tcps_output_end(o.output, rc);
	tcps_opts_free(&o);
	/* A full disk or a closed pipe must not pass for success. */
	if (fflush(stdout) || ferror(stdout)) {
		tcps_err("write error on standard output: %s", strerror(errno));
		if (!rc)
			rc = TCPS_EXIT_RUNTIME;
	}
	return rc;
}
