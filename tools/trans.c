// SPDX-License-Identifier: GPL-2.0
/*
 * Reader of /proc/tcpstates_transitions (format: uapi/linux/tcpstates.h),
 * as strict as the table's reader: the first deviation stops it with a
 * FILE:LINE message.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "lines.h"
#include "msg.h"
#include "number.h"
#include "states.h"
#include "trans.h"
#include "util.h"

const char *tcps_trans_state_name(int id)
{
	switch (id) {
	case TCPS_TRANS_OTHER:
		return TCPS_TRANS_OTHER_NAME;
	case TCPS_TRANS_NEW_SYN_RECV:
		return TCPS_TRANS_NEW_SYN_RECV_NAME;
	case TCPS_TRANS_TW_FIN_WAIT2:
		return TCPS_TRANS_TW_FIN_WAIT2_NAME;
	}
	return tcps_state_names[id];
}

void tcps_print_trans_label(FILE *out, int id)
{
	const char *p;

	for (p = tcps_trans_state_name(id); *p; p++)
		fputc(tolower((unsigned char)*p), out);
}

int tcps_trans_state_id(const char *name)
{
	int id;

	for (id = 0; id < TCPS_TRANS_SLOTS; id++)
		if (!strcmp(name, tcps_trans_state_name(id)))
			return id;
	return -1;
}

#define tcps_bad(l, ...)	tcps_lines_bad(l, (l)->lineno, __VA_ARGS__)
#define tcps_eof(l, ...)	tcps_lines_bad(l, (l)->lineno + 1, __VA_ARGS__)

/* "tcpstates_transitions 1: TCP state transitions of net namespace N" */
static bool tcps_trans_title(struct tcps_lines *l, struct tcps_trans *t)
{
	static const char *const words[] = {
		"TCP", "state", "transitions", "of", "net", "namespace"
	};
	char want[16], *f[9];
	size_t i;

	if (!tcps_lines_next(l))
		return l->status ? false :
		       tcps_eof(l, "the file is empty: expected the line '%s %d: TCP state transitions of net namespace N'",
				TCPSTATES_TRANS_MAGIC, TCPSTATES_TRANS_FORMAT_VERSION);
	snprintf(want, sizeof(want), "%d:", TCPSTATES_TRANS_FORMAT_VERSION);
	if (tcps_split(l->line, f, ARRAY_SIZE(f)) != 9 ||
	    strcmp(f[0], TCPSTATES_TRANS_MAGIC) || strcmp(f[1], want) ||
	    !tcps_parse_u64(f[8], &t->netns))
		goto bad;
	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(f[2 + i], words[i]))
			goto bad;
	return true;
bad:
	return tcps_bad(l, "expected '%s %d: TCP state transitions of net namespace N' (another format version?)",
			TCPSTATES_TRANS_MAGIC, TCPSTATES_TRANS_FORMAT_VERSION);
}

/* "Hook Status Missed Source", then "<hook> <status> <missed> <source>". */
static bool tcps_trans_hooks(struct tcps_lines *l, struct tcps_trans *t)
{
	struct tcps_trans_hook *h;
	char *f[5];
	size_t n;

	if (!tcps_lines_next(l))
		return l->status ? false : tcps_eof(l, "unexpected end of file: no hook table");
	if (tcps_split(l->line, f, 5) != 4 || strcmp(f[0], "Hook") ||
	    strcmp(f[1], "Status") || strcmp(f[2], "Missed") ||
	    strcmp(f[3], "Source"))
		return tcps_bad(l, "expected the titles 'Hook Status Missed Source'");
	for (;;) {
		if (!tcps_lines_next(l))
			return l->status ? false :
			       tcps_eof(l, "unexpected end of file: no blank line after the hook table");
		n = tcps_split(l->line, f, 5);
		if (!n)
			return true;
		if (n < 4)
			return tcps_bad(l, "malformed hook line: expected HOOK STATUS MISSED SOURCE...");
		if (t->nhooks == TCPS_TRANS_HOOKS_MAX)
			return tcps_bad(l, "more than %d hooks", TCPS_TRANS_HOOKS_MAX);
		h = &t->hooks[t->nhooks];
		/* It becomes a label value: lower case, digits and '-'. */
		if (strlen(f[0]) >= sizeof(h->name) ||
		    strspn(f[0], "abcdefghijklmnopqrstuvwxyz0123456789-") !=
		    strlen(f[0]))
			return tcps_bad(l, "bad hook name '%s'", f[0]);
		strcpy(h->name, f[0]);
		if (!strcmp(f[1], "attached")) {
			h->attached = true;
			if (!tcps_parse_u64(f[2], &h->missed))
				return tcps_bad(l, "bad missed count '%s'", f[2]);
		} else if (!strcmp(f[1], "unobserved")) {
			if (strcmp(f[2], "-"))
				return tcps_bad(l, "an unobserved hook's missed count is '-', not '%s'",
						f[2]);
		} else {
			return tcps_bad(l, "bad hook status '%s': expected attached or unobserved",
					f[1]);
		}
		t->nhooks++;
	}
}

/* "From To Count", then "<from> <to> <count>" to the end. */
static bool tcps_trans_pairs(struct tcps_lines *l, struct tcps_trans *t)
{
	unsigned long long v;
	int from, to;
	char *f[4];

	if (!tcps_lines_next(l))
		return l->status ? false : tcps_eof(l, "unexpected end of file: no 'From To Count' line");
	if (tcps_split(l->line, f, 4) != 3 || strcmp(f[0], "From") ||
	    strcmp(f[1], "To") || strcmp(f[2], "Count"))
		return tcps_bad(l, "expected the titles 'From To Count'");
	while (tcps_lines_next(l)) {
		if (tcps_split(l->line, f, 4) != 3)
			return tcps_bad(l, "malformed line: expected FROM TO COUNT");
		from = tcps_trans_state_id(f[0]);
		to = tcps_trans_state_id(f[1]);
		if (from < 0 || to < 0)
			return tcps_bad(l, "unknown state '%s'",
					from < 0 ? f[0] : f[1]);
		if (!tcps_parse_u64(f[2], &v))
			return tcps_bad(l, "bad count '%s': not a decimal number below 2^64",
					f[2]);
		if (t->seen[from][to])
			return tcps_bad(l, "%s -> %s is counted twice", f[0], f[1]);
		t->seen[from][to] = true;
		t->count[from][to] = v;
	}
	return !l->status;
}

int tcps_trans_read(const char *path, struct tcps_trans *t)
{
	struct tcps_lines l = { .name = path };

	memset(t, 0, sizeof(*t));
	l.fp = fopen(path, "re");
	if (!l.fp) {
		tcps_err("%s: %s", path, strerror(errno));
		return TCPS_EXIT_RUNTIME;
	}
	if (tcps_trans_title(&l, t) && tcps_trans_hooks(&l, t))
		tcps_trans_pairs(&l, t);
	fclose(l.fp);
	return l.status;
}
