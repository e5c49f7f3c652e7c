/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --check: the sockets worth a look, with a monitoring plugin's status.
 */
#ifndef TCPS_CHECK_H
#define TCPS_CHECK_H

#include "opts.h"

/* Monitoring plugin statuses (Nagios, Icinga, ...): --check's exit. */
enum tcps_check_status {
	TCPS_CHECK_OK = 0,
	TCPS_CHECK_WARNING = 1,
	TCPS_CHECK_CRITICAL = 2,
	TCPS_CHECK_UNKNOWN = 3,		/* the check could not run */
};

/* Read once, report the findings; returns enum tcps_check_status. */
int tcps_check(const struct tcps_opts *o);

#endif /* TCPS_CHECK_H */
