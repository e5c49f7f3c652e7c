/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Whether the request hook may read its arguments: TCP's SYN-ACK senders
 * take (listener, route, flow, request, ...)
 * (module/conftest/send_synack_args.c).
 */
#ifndef _TCPS_COMPAT_REQSK_H
#define _TCPS_COMPAT_REQSK_H

#include <linux/types.h>

static inline bool tcps_send_synack_args_known(void)
{
#ifdef TCPS_HAVE_SEND_SYNACK_ARGS
	return true;
#else
	return false;
#endif
}

#endif /* _TCPS_COMPAT_REQSK_H */
