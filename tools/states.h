/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TCP state names, the ss(8) words that select them, and state masks.
 * All of them come from the uapi list TCPS_STATE_NAMES.
 */
#ifndef TCPS_STATES_H
#define TCPS_STATES_H

#include <stdio.h>
#include <linux/tcpstates.h>

/* A set of states: bit N is state id N. */
#define TCPS_BIT(id)		(1u << (id))
#define TCPS_ALL_STATES	\
	(((1u << (TCPS_STATE_LAST + 1)) - 1) & ~((1u << TCPS_STATE_FIRST) - 1))

/*
 * ss(8)'s default set for TCP when no state word is given (its SS_CONN):
 * all but listening, closed, time-wait and syn-recv.
 */
#define TCPS_SS_CONN	(TCPS_ALL_STATES & ~(TCPS_BIT(TCPS_LISTEN) | \
			 TCPS_BIT(TCPS_CLOSE) | TCPS_BIT(TCPS_TIME_WAIT) | \
			 TCPS_BIT(TCPS_SYN_RECV)))

/* Room for a derived ss word: a '-' may be added before each character. */
#define TCPS_WORD_MAX		(2 * TCPS_STATE_NAME_MAX + 1)

extern const char *const tcps_state_names[TCPS_STATE_SLOTS];

/* The id of a state name exactly as the file prints it, or 0. */
int tcps_state_id(const char *name);

/* The ss(8) word for state @id, e.g. "fin-wait-1"; @buf: TCPS_WORD_MAX. */
const char *tcps_state_word(int id, char *buf);

/* The states a filter word selects (ss word, group or name), or 0. */
unsigned int tcps_state_mask(const char *word);

/* The valid filter words, wrapped and indented, for help and errors. */
void tcps_print_state_words(FILE *out, const char *indent);

/* The Prometheus label value of state @id: the name in lower case. */
void tcps_print_state_label(FILE *out, int id);

#endif /* TCPS_STATES_H */
