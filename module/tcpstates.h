/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpstates internals shared between the walker, the renderer and the
 * proc file.
 */
#ifndef _TCPS_TCPSTATES_H
#define _TCPS_TCPSTATES_H

#include <linux/in6.h>
#include <linux/types.h>
#include <linux/tcpstates.h>

struct net;
struct seq_file;
struct user_namespace;

enum tcps_kind {
	TCPS_KIND_FULL,		/* a struct sock: listener or connection */
	TCPS_KIND_REQ,		/* a request socket (TCP_NEW_SYN_RECV) */
	TCPS_KIND_TW,		/* a timewait socket */
};

/*
 * One socket as copied out under RCU.  Plain data only: it is rendered
 * after the socket reference is dropped, so nothing here may point into
 * the socket.
 */
struct tcps_row {
	union {
		__be32 v4;
		struct in6_addr v6;
	} src, dst;
	u64 ino;
	u32 uid;		/* already mapped into the reader's user ns */
	u32 rxq;
	u32 txq;
	u16 sport;		/* host order; 0 is a wildcard */
	u16 dport;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 state;		/* enum tcps_state */
	u8 kind;		/* enum tcps_kind */
};

enum tcps_table {
	TCPS_TABLE_LISTEN,	/* hashinfo->lhash2 */
	TCPS_TABLE_EHASH,	/* hashinfo->ehash */
	TCPS_TABLE_END,
};

/*
 * A cursor over the TCP tables of one netns.  Each step copies one
 * non-empty bucket into @rows, so the walk can be paused between any two
 * buckets (and rows) without holding RCU or a reference.
 */
struct tcps_walk {
	struct net *net;
	struct user_namespace *user_ns;
	enum tcps_table table;
	unsigned int bucket;	/* next bucket to copy */
	struct tcps_row *rows;	/* the last bucket copied */
	unsigned int nrows;
	unsigned int cap;
};

/* walk.c */
int tcps_walk_init(struct tcps_walk *w, struct net *net,
		   struct user_namespace *user_ns);
void tcps_walk_rewind(struct tcps_walk *w);
int tcps_walk_next(struct tcps_walk *w);
void tcps_walk_destroy(struct tcps_walk *w);

/* states.c */
u8 tcps_state_of(int kstate, int tw_substate);
const char *tcps_state_name(unsigned int id);

/* render.c */
#define TCPS_ROW_MAX	192	/* longest rendered row, newline included */
size_t tcps_render_row(char *buf, const struct tcps_row *row);
void tcps_render_header(struct seq_file *m, unsigned int netns_inum);
void tcps_render_counts(struct seq_file *m, const u64 *counts);

/* proc.c */
int tcps_proc_init(void);
void tcps_proc_exit(void);

#endif /* _TCPS_TCPSTATES_H */
