/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --follow: the transitions log, live.
 */
#ifndef TCPS_FOLLOW_H
#define TCPS_FOLLOW_H

#include "opts.h"

/*
 * Print the log's entries (o->file, default the follow file) as they
 * come, each with the time its socket spent in the state it left, until
 * SIGINT or SIGTERM, o->count entries, or the end of a regular file.
 * Returns TCPS_EXIT_*.
 */
int tcps_follow(const struct tcps_opts *o);

#endif /* TCPS_FOLLOW_H */
