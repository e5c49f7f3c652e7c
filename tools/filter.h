/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which rows are selected: states, families, ports.
 */
#ifndef TCPS_FILTER_H
#define TCPS_FILTER_H

#include <stdbool.h>

#include "expr.h"
#include "reader.h"

struct tcps_filter {
	unsigned int states;		/* TCPS_BIT()s */
	bool states_given;		/* a "state" or "exclude" word */
	bool v4, v6;			/* -4, -6 */
	bool sport_given, dport_given;
	/* One bit per port: any number of --sport/--dport, O(1) to test. */
	unsigned char sport[65536 / 8], dport[65536 / 8];
	/* ss's expression after the state words, or NULL. */
	struct tcps_expr *expr;
};

void tcps_filter_init(struct tcps_filter *f);

/*
 * ss(8)'s rules: the first "state" word starts from no state, the first
 * "exclude" from all of them; each later word adds or removes.
 */
void tcps_filter_state(struct tcps_filter *f, unsigned int mask, bool exclude);

void tcps_filter_port(unsigned char *map, unsigned int port);

/* Was any filter given?  Without one, counts come from the counter block. */
bool tcps_filter_active(const struct tcps_filter *f);

bool tcps_filter_match(const struct tcps_filter *f, const struct tcps_row *row);

#endif /* TCPS_FILTER_H */
