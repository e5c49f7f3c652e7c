// SPDX-License-Identifier: GPL-2.0
/*
 * State names and the words that select them.
 *
 * The names are the uapi list TCPS_STATE_NAMES and nothing else; the ss(8)
 * words ("fin-wait-1") and the Prometheus labels ("fin_wait1") are derived
 * from it, so a change to the uapi list cannot leave a copy behind here.
 */
#include <assert.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "states.h"
#include "util.h"

const char *const tcps_state_names[] = TCPS_STATE_NAMES;

static_assert(ARRAY_SIZE(tcps_state_names) == TCPS_STATE_SLOTS,
	      "TCPS_STATE_NAMES has one name per slot");
static_assert(TCPS_STATE_LAST < 32, "a state mask is an unsigned int");

/*
 * ss(8)'s groups of states (its scan_state()), so that scripts written for
 * "ss state connected" mean the same here.
 */
#define TCPS_BUCKET	(TCPS_BIT(TCPS_SYN_RECV) | TCPS_BIT(TCPS_TIME_WAIT))
#define TCPS_CONNECTED	\
	(TCPS_ALL_STATES & ~(TCPS_BIT(TCPS_LISTEN) | TCPS_BIT(TCPS_CLOSE)))

static const struct {
	const char *word;
	unsigned int mask;
} tcps_groups[] = {
	{ "all", TCPS_ALL_STATES },
	{ "connected", TCPS_CONNECTED },
	{ "synchronized", TCPS_CONNECTED & ~TCPS_BIT(TCPS_SYN_SENT) },
	{ "bucket", TCPS_BUCKET },
	{ "big", TCPS_ALL_STATES & ~TCPS_BUCKET },
};

/*
 * ss(8)'s other spellings (its scan_state() and sstate_namel[]): it
 * prints CLOSE as "unconnected", and takes "syn-rcv" and "close" too.
 */
static const struct {
	const char *word;
	int id;
} tcps_aliases[] = {
	{ "unconnected", TCPS_CLOSE },
	{ "close", TCPS_CLOSE },
	{ "syn-rcv", TCPS_SYN_RECV },
};

int tcps_state_id(const char *name)
{
	int id;

	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		if (!strcmp(name, tcps_state_names[id]))
			return id;
	return 0;
}

/*
 * ss(8) spells two states in its own way.  These are not names of states
 * but ss's words for two of them, kept because "ss state listening" is
 * what people type.
 */
static const char *tcps_ss_own_word(int id)
{
	switch (id) {
	case TCPS_CLOSE:
		return "closed";
	case TCPS_LISTEN:
		return "listening";
	}
	return NULL;
}

/*
 * Otherwise ss's word is the name in lower case with '-' for '_', and a
 * '-' before a trailing number: FIN_WAIT1 is "fin-wait-1".
 */
const char *tcps_state_word(int id, char *buf)
{
	const char *name = tcps_state_names[id];
	const char *own = tcps_ss_own_word(id);
	char *p = buf;
	int i;

	if (own)
		return own;
	for (i = 0; name[i] && i < TCPS_STATE_NAME_MAX; i++) {
		unsigned char c = name[i];

		if (isdigit(c) && p > buf && isalpha((unsigned char)p[-1]))
			*p++ = '-';
		*p++ = c == '_' ? '-' : (char)tolower(c);
	}
	*p = '\0';
	return buf;
}

/* Equal but for case and the '-' or '_' separators: "time_wait". */
static int tcps_loose_equal(const char *a, const char *b)
{
	for (;;) {
		while (*a == '-' || *a == '_')
			a++;
		while (*b == '-' || *b == '_')
			b++;
		if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
			return 0;
		if (!*a)
			return 1;
		a++;
		b++;
	}
}

unsigned int tcps_state_mask(const char *word)
{
	char buf[TCPS_WORD_MAX];
	size_t i;
	int id;

	for (i = 0; i < ARRAY_SIZE(tcps_groups); i++)
		if (!strcasecmp(word, tcps_groups[i].word))
			return tcps_groups[i].mask;
	for (i = 0; i < ARRAY_SIZE(tcps_aliases); i++)
		if (!strcasecmp(word, tcps_aliases[i].word))
			return TCPS_BIT(tcps_aliases[i].id);
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		if (!strcasecmp(word, tcps_state_word(id, buf)) ||
		    tcps_loose_equal(word, tcps_state_names[id]))
			return TCPS_BIT(id);
	}
	return 0;
}

/* Words separated by spaces, a new indented line before column 72. */
static void tcps_wrap(FILE *out, const char *indent, int *col, const char *w)
{
	int len = (int)strlen(w);

	if (*col > 0 && *col + 1 + len > 72) {
		fputc('\n', out);
		*col = 0;
	}
	if (*col == 0) {
		fputs(indent, out);
		*col = (int)strlen(indent);
	} else {
		fputc(' ', out);
		(*col)++;
	}
	fputs(w, out);
	*col += len;
}

void tcps_print_state_words(FILE *out, const char *indent)
{
	char buf[TCPS_WORD_MAX];
	int col = 0, id;
	size_t i;

	tcps_wrap(out, indent, &col, "states:");
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		tcps_wrap(out, indent, &col, tcps_state_word(id, buf));
	for (i = 0; i < ARRAY_SIZE(tcps_aliases); i++)
		tcps_wrap(out, indent, &col, tcps_aliases[i].word);
	fputc('\n', out);
	col = 0;
	tcps_wrap(out, indent, &col, "groups:");
	for (i = 0; i < ARRAY_SIZE(tcps_groups); i++)
		tcps_wrap(out, indent, &col, tcps_groups[i].word);
	fputc('\n', out);
	col = 0;
	tcps_wrap(out, indent, &col,
		  "or a state name as printed, e.g. TIME_WAIT (any case)");
	fputc('\n', out);
}

/* node_exporter's tcpstat labels are exactly these: "syn_recv". */
void tcps_print_state_label(FILE *out, int id)
{
	const char *p;

	for (p = tcps_state_names[id]; *p; p++)
		fputc(tolower((unsigned char)*p), out);
}
