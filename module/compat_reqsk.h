/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the request hook may trust its kretprobe's return value:
 * inet_csk_reqsk_queue_hash_add() returns bool, with the listener and the
 * request socket first (module/conftest/reqsk_hash_add_bool.c).
 */
#ifndef _TCPS_COMPAT_REQSK_H
#define _TCPS_COMPAT_REQSK_H

#include <linux/types.h>

static inline bool tcps_reqsk_hash_add_returns_bool(void)
{
#ifdef TCPS_HAVE_REQSK_HASH_ADD_BOOL
	return true;
#else
	return false;
#endif
}

#endif /* _TCPS_COMPAT_REQSK_H */
