/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Streaming reader of the /proc/tcpstates text format.
 */
#ifndef TCPS_READER_H
#define TCPS_READER_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/tcpstates.h>

#include "lines.h"

struct tcps_endpoint {
	const char *addr;	/* without brackets; valid until the next row */
	unsigned int port;	/* 0 for the wildcard "*" */
};

/* Times are in milliseconds: the file prints seconds with 3 decimals. */
struct tcps_row {
	bool v6;		/* "tcp6": an AF_INET6 socket */
	unsigned long long recv_q, send_q, uid, inode;
	struct tcps_endpoint local, remote;
	int state;		/* TCPS_* */
	/* Format 2 on: the Timer column. */
	bool has_timer;
	int timer;		/* enum tcps_timer */
	unsigned long long timer_ms, retrans, probes;
	/* Format 2 on, and a socket with a peer: the Idle column. */
	bool has_idle;
	unsigned long long idle_rcv_ms, idle_snd_ms;
};

struct tcps_reader {
	struct tcps_lines in;	/* in.status: TCPS_EXIT_*, why reading stopped */
	bool own_fp;

	unsigned long long netns;
	unsigned int version;	/* the file's format version */
	/* Every well-formed row, before any filter. */
	unsigned long long rows, row_counts[TCPS_STATE_SLOTS];
	/* The counter block, and where each of its lines was. */
	unsigned long long block[TCPS_STATE_SLOTS], block_total;
	unsigned long block_line[TCPS_STATE_SLOTS], total_line;
};

/*
 * Open @path ("-" is stdin) and read the title and column lines.
 * Returns TCPS_EXIT_OK, or the error status after reporting it; either
 * way tcps_reader_close() must be called.
 */
int tcps_reader_open(struct tcps_reader *r, const char *path);

/*
 * The next row into @row: true.  False at the end of the rows, after the
 * counter block was read and checked in itself, or on an error; then
 * r->in.status says which (TCPS_EXIT_OK at the end).
 */
bool tcps_reader_next(struct tcps_reader *r, struct tcps_row *row);

/*
 * After the end: report every count of the block that is not the number
 * of rows seen.  Returns TCPS_EXIT_OK or TCPS_EXIT_MALFORMED.
 */
int tcps_reader_check(const struct tcps_reader *r);

void tcps_reader_close(struct tcps_reader *r);

#endif /* TCPS_READER_H */
