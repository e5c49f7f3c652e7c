/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --watch: the counts, sampled every interval.
 */
#ifndef TCPS_WATCH_H
#define TCPS_WATCH_H

#include "opts.h"

/* Until o->count samples or SIGINT/SIGTERM; returns TCPS_EXIT_*. */
int tcps_watch(const struct tcps_opts *o);

#endif /* TCPS_WATCH_H */
