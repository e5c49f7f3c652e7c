/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * tcpstates: the text format of /proc/tcpstates, shared by the kernel
 * module and the userspace tools.
 *
 * Reading /proc/tcpstates gives one snapshot of the TCP sockets of the
 * reader's network namespace (the one it was in at open()):
 *
 *   line 1   "tcpstates <TCPSTATES_FORMAT_VERSION>: TCP sockets of net
 *            namespace <netns inode number>"
 *   line 2   column titles
 *   rows     Proto Recv-Q Send-Q Local Foreign State UID Inode, separated
 *            by one or more spaces; Proto is "tcp" (AF_INET socket) or
 *            "tcp6" (AF_INET6 socket, v4-mapped peers included); addresses
 *            are "a.b.c.d:port" or "[rfc5952-address]:port", port 0 (a
 *            wildcard) printed as "*"; State is a name of
 *            TCPS_STATE_NAMES.  Request sockets show SYN_RECV, TIME_WAIT
 *            sockets their substate (TIME_WAIT or FIN_WAIT2), like
 *            /proc/net/tcp.
 *   blank line, then "State Count", then one line "<name> <count>" for
 *            every state in id order (zeros included), then
 *            "Total <rows>".  The counts are those of the rows above.
 *
 * A version bump means a change a parser of the previous version would
 * misread; columns may be appended after Inode within a version.
 */
#ifndef _UAPI_LINUX_TCPSTATES_H
#define _UAPI_LINUX_TCPSTATES_H

#include <linux/types.h>

#define TCPSTATES_PROC_PATH		"/proc/tcpstates"
#define TCPSTATES_FORMAT_VERSION	1

/* First word of line 1, and the titles of the counter block. */
#define TCPSTATES_MAGIC			"tcpstates"
#define TCPSTATES_COUNT_TITLE		"State"
#define TCPSTATES_TOTAL_NAME		"Total"

/*
 * State ids.  They equal the kernel's TCP_* values (include/net/tcp_states.h,
 * the hex "st" column of /proc/net/tcp); the module checks that at build
 * time.  Kernel-internal pseudo states (NEW_SYN_RECV, BOUND_INACTIVE) never
 * appear: request sockets are reported as TCPS_SYN_RECV.
 */
enum tcps_state {
	TCPS_ESTABLISHED = 1,
	TCPS_SYN_SENT = 2,
	TCPS_SYN_RECV = 3,
	TCPS_FIN_WAIT1 = 4,
	TCPS_FIN_WAIT2 = 5,
	TCPS_TIME_WAIT = 6,
	TCPS_CLOSE = 7,
	TCPS_CLOSE_WAIT = 8,
	TCPS_LAST_ACK = 9,
	TCPS_LISTEN = 10,
	TCPS_CLOSING = 11
};

#define TCPS_STATE_FIRST	TCPS_ESTABLISHED
#define TCPS_STATE_LAST		TCPS_CLOSING
/* Size of an array indexed by state id; index 0 is unused. */
#define TCPS_STATE_SLOTS	(TCPS_STATE_LAST + 1)

/*
 * The net-tools names, indexed by state id: the one list of them.  Use as
 * an initializer:  static const char *const names[] = TCPS_STATE_NAMES;
 */
#define TCPS_STATE_NAMES {						\
	"",								\
	"ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1",		\
	"FIN_WAIT2", "TIME_WAIT", "CLOSE", "CLOSE_WAIT",		\
	"LAST_ACK", "LISTEN", "CLOSING"					\
}

/* Longest state name, for column widths. */
#define TCPS_STATE_NAME_MAX	11

#endif /* _UAPI_LINUX_TCPSTATES_H */
