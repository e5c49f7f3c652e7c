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
 *   rows     Proto Recv-Q Send-Q Local Foreign State UID Inode Timer Idle,
 *            separated by one or more spaces; Proto is "tcp" (AF_INET
 *            socket) or "tcp6" (AF_INET6 socket, v4-mapped peers included);
 *            addresses are "a.b.c.d:port" or "[rfc5952-address]:port", port
 *            0 (a wildcard) printed as "*"; State is a name of
 *            TCPS_STATE_NAMES.  Request sockets show SYN_RECV, TIME_WAIT
 *            sockets their substate (TIME_WAIT or FIN_WAIT2), like
 *            /proc/net/tcp.  CLOSE rows are bound sockets: a port held by
 *            bind() (or kept after a failed connect()) by a socket neither
 *            listening nor connected, which /proc/net/tcp never shows.
 *   Timer    "<name>(<seconds>/<retransmits>/<probes>)", netstat -o's
 *            figures in one word: name is one of TCPS_TIMER_NAMES (the
 *            timer armed, as /proc/net/tcp's "tr" column numbers them),
 *            seconds the time left to its expiry with three decimals
 *            (0.000 when off), retransmits the retransmissions (a request
 *            socket: its SYN-ACKs resent), probes the unanswered
 *            zero-window or keepalive probes.
 *   Idle     "<rcv>/<snd>": seconds (three decimals) since the socket last
 *            received anything from its peer, and since it last sent data
 *            (ss -i's min(lastrcv, lastack) and lastsnd); "-" for sockets
 *            with no peer yet or any more: listeners, bound, SYN_SENT,
 *            request and timewait sockets.
 *   blank line, then "State Count", then one line "<name> <count>" for
 *            every state in id order (zeros included), then
 *            "Total <rows>".  The counts are those of the rows above.
 *
 * Version 1 ended the rows at Inode and showed no CLOSE rows.  A version
 * bump means a change a parser of the previous version would misread;
 * columns may be appended after Idle within a version.
 */
#ifndef _UAPI_LINUX_TCPSTATES_H
#define _UAPI_LINUX_TCPSTATES_H

#include <linux/types.h>

#define TCPSTATES_PROC_PATH		"/proc/tcpstates"
#define TCPSTATES_FORMAT_VERSION	2
/* The oldest version a reader of this header can still parse. */
#define TCPSTATES_FORMAT_VERSION_MIN	1

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

/*
 * Timer ids of the Timer column: /proc/net/tcp's "tr" values, and the
 * names netstat -o gives them.
 */
enum tcps_timer {
	TCPS_TIMER_OFF = 0,		/* none armed */
	TCPS_TIMER_ON = 1,		/* retransmit (SYN, SYN-ACK, data, loss probe) */
	TCPS_TIMER_KEEPALIVE = 2,	/* keepalive (or a FIN_WAIT2 orphan's) */
	TCPS_TIMER_TIMEWAIT = 3,	/* a timewait socket's end */
	TCPS_TIMER_PROBE = 4		/* zero-window probe */
};

#define TCPS_TIMER_LAST		TCPS_TIMER_PROBE
#define TCPS_TIMER_NAMES { "off", "on", "keepalive", "timewait", "probe" }

/*
 * ---- State transitions ----
 *
 * TCPSTATES_TRANS_PROC_PATH counts the TCP state changes of the reader's
 * network namespace (the one it was in at open()) since the module was
 * loaded or the namespace created, by from -> to pair:
 *
 *   line 1   "tcpstates_transitions <TCPSTATES_TRANS_FORMAT_VERSION>: TCP
 *            state transitions of net namespace <netns inode number>"
 *   line 2   "Hook Status Missed Source", then one line per kind of state
 *            change TCP makes: "<hook> <status> <missed> <source...>".
 *            status is "attached" (counted below) or "unobserved" (changes
 *            of that kind happen but are not counted: the rows they would
 *            give are absent, which does not mean zero).  missed: hits the
 *            probe could not record, all namespaces ("-" when unobserved).
 *            source: free text, e.g. "ftrace inet_twsk_hashdance".  Hooks:
 *              state        every change of a full socket's state, as the
 *                           tracepoint sock:inet_sock_set_state reports it
 *              timewait     a full socket replaced by a timewait socket:
 *                           <its state> -> TIME_WAIT or TW_FIN_WAIT2
 *              request      a listener hashing a request socket:
 *                           LISTEN -> NEW_SYN_RECV
 *              tw-substate  a timewait socket going from FIN_WAIT2 to
 *                           TIME_WAIT: TW_FIN_WAIT2 -> TIME_WAIT
 *              tw-end       a timewait socket's end (expiry, reset, reuse,
 *                           netns exit): TIME_WAIT|TW_FIN_WAIT2 -> CLOSE
 *              request-end  a request socket's end: becoming its child
 *                           (NEW_SYN_RECV -> SYN_RECV), or expiring,
 *                           reset, dropped (NEW_SYN_RECV -> CLOSE); the
 *                           child itself is born as LISTEN -> SYN_RECV
 *   blank line, "From To Count", then "<from> <to> <count>" for every pair
 *            seen at least once, in id order of from, then of to.
 *
 * TCPSTATES_TRANS_LOG_PROC_PATH lists the latest transitions of the
 * reader's network namespace, oldest first, as a snapshot taken at open():
 *
 *   line 1   "tcpstates_transitions_log <TCPSTATES_TRANS_LOG_FORMAT_VERSION>:
 *            recent TCP state transitions of net namespace <inode>"
 *   line 2   "Time Netns Proto From To Local Address Foreign Address Cookie"
 *   rows     <seconds.nanoseconds of CLOCK_MONOTONIC> <netns inode>
 *            tcp|tcp6 <from> <to> <local> <foreign> <cookie>, separated by
 *            one or more spaces; endpoints written as in TCPSTATES_PROC_PATH
 *            (IPv6 as RFC 5952 text in brackets, port 0 as "*").  They are
 *            the socket's at the moment of the change: an unbound client
 *            entering SYN_SENT has no local port yet; a child entering
 *            SYN_RECV is still a copy of its listener and shows the
 *            listener's endpoints up to Linux 6.x; the local port of a full
 *            socket is its source port, still shown after the socket gave
 *            its port back on the way to CLOSE.  cookie: the socket's
 *            64-bit cookie in lower-case hex, as ss -e prints it after
 *            "sk:" and SO_COOKIE gives its owner; a timewait socket has
 *            its full socket's, a request socket one of its own, a child
 *            one of its own.
 *
 * Version 1 had no Cookie column.  The file is a snapshot taken at
 * open(), which ends (EOF) like any file.
 *
 * TCPSTATES_TRANS_FOLLOW_PROC_PATH is the same log followed live, for a
 * reader that asks for it by opening this file: the same title and the
 * snapshot, then, with no end, the entries logged since, as they come.
 * A read at the end waits for the next entry (or fails with EAGAIN under
 * O_NONBLOCK); poll() reports POLLIN when there is one.  If the rings
 * overwrote entries before a read could take them, the read begins with
 * the line "LOST <count>": that many entries of any namespace (the rings
 * are shared: those of others included) went unseen.  Unloading the
 * module ends a waiting read with EOF.  A seek back shows the title and
 * the latest take only.
 *
 * The kernel keeps the latest trans_ring_size (module parameter, default
 * 1024) transitions of every namespace per CPU; a reader sees at most that
 * many of its own, the most recent.  Entries being overwritten while the
 * snapshot is taken are left out, never shown torn.  Loaded with log=0
 * (module parameter) it keeps none: open() of either log file fails with
 * ENODATA, and TCPSTATES_TRANS_PROC_PATH counts on.
 *
 * States are the names of TCPS_STATE_NAMES (TIME_WAIT: a timewait socket in
 * substate TIME_WAIT) and the names below.
 */
#define TCPSTATES_TRANS_PROC_PATH	"/proc/tcpstates_transitions"
#define TCPSTATES_TRANS_LOG_PROC_PATH	"/proc/tcpstates_transitions_log"
#define TCPSTATES_TRANS_FOLLOW_PROC_PATH	"/proc/tcpstates_transitions_follow"
#define TCPSTATES_TRANS_FORMAT_VERSION	1
#define TCPSTATES_TRANS_LOG_FORMAT_VERSION	2
/* First word of the line that counts entries a follower lost. */
#define TCPSTATES_TRANS_LOG_LOST	"LOST"
#define TCPSTATES_TRANS_MAGIC		"tcpstates_transitions"
#define TCPSTATES_TRANS_LOG_MAGIC	"tcpstates_transitions_log"

/* Transition states beyond the TCPS_* ids, with their names. */
#define TCPS_TRANS_OTHER		0	/* no TCP state: never expected */
#define TCPS_TRANS_NEW_SYN_RECV		12	/* a request socket */
#define TCPS_TRANS_TW_FIN_WAIT2		13	/* timewait, substate FIN_WAIT2 */
#define TCPS_TRANS_OTHER_NAME		"OTHER"
#define TCPS_TRANS_NEW_SYN_RECV_NAME	"NEW_SYN_RECV"
#define TCPS_TRANS_TW_FIN_WAIT2_NAME	"TW_FIN_WAIT2"

/*
 * ---- Counts only ----
 *
 * TCPSTATES_COUNTS_PATH gives the counter block of TCPSTATES_PROC_PATH
 * without the rows, from one walk of the TCP tables of the reader's
 * network namespace (the one it was in at open()), taken when a read
 * starts at offset 0:
 *
 *   line 1   "tcpstates <TCPSTATES_FORMAT_VERSION>: TCP socket counts of net
 *            namespace <netns inode number>"
 *   then     the blank line, "State Count", the "<name> <count>" lines and
 *            "Total <sockets>", exactly as TCPSTATES_PROC_PATH ends.
 *
 * The counts are those TCPSTATES_PROC_PATH would show at the same moment.
 * Mode 0444; opening it for writing fails with EACCES.
 */
#define TCPSTATES_COUNTS_PATH		"/proc/tcpstates_counts"

#endif /* _UAPI_LINUX_TCPSTATES_H */
