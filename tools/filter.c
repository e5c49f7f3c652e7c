// SPDX-License-Identifier: GPL-2.0
/*
 * Row selection.  A row is selected when it passes every filter given:
 * its state is in the set, its family was asked for (or none was), its
 * ports are among the --sport and --dport values (or none was given),
 * and it passes ss's expression (expr.c), if one was given.
 */
#include <string.h>

#include "filter.h"
#include "states.h"

void tcps_filter_init(struct tcps_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->states = TCPS_ALL_STATES;
}

void tcps_filter_state(struct tcps_filter *f, unsigned int mask, bool exclude)
{
	if (!f->states_given)
		f->states = exclude ? TCPS_ALL_STATES : 0;
	f->states_given = true;
	if (exclude)
		f->states &= ~mask;
	else
		f->states |= mask;
}

void tcps_filter_port(unsigned char *map, unsigned int port)
{
	map[port / 8] |= 1u << (port % 8);
}

static bool tcps_port_in(const unsigned char *map, unsigned int port)
{
	return map[port / 8] & (1u << (port % 8));
}

bool tcps_filter_active(const struct tcps_filter *f)
{
	return f->states_given || f->v4 || f->v6 ||
	       f->sport_given || f->dport_given || f->expr;
}

bool tcps_filter_match(const struct tcps_filter *f, const struct tcps_row *row)
{
	if (!(f->states & TCPS_BIT(row->state)))
		return false;
	/* -4 and -6 together ask for both, as neither does. */
	if (f->v4 != f->v6 && row->v6 != f->v6)
		return false;
	if (f->sport_given && !tcps_port_in(f->sport, row->local.port))
		return false;
	if (f->dport_given && !tcps_port_in(f->dport, row->remote.port))
		return false;
	return !f->expr || tcps_expr_match(f->expr, row);
}
