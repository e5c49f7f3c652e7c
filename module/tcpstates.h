/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tcpstates internals shared between the walker, the renderer and the
 * proc file.
 */
#ifndef _TCPS_TCPSTATES_H
#define _TCPS_TCPSTATES_H

#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/in6.h>
#include <linux/jump_label.h>
#include <linux/percpu.h>
#include <linux/types.h>
#include <linux/tcpstates.h>

struct file;
struct net;
struct poll_table_struct;
struct seq_file;
struct user_namespace;

/*
 * Memory a read or an open takes for an unprivileged user: charged to
 * their memory cgroup, and ENOMEM at its limit rather than its OOM
 * killer, without a warning on the console they could repeat at will.
 */
#define TCPS_GFP_READER	\
	(GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN)

/* An endpoint's address: v4 for AF_INET, v6 for AF_INET6. */
union tcps_addr {
	__be32 v4;
	struct in6_addr v6;
};

enum tcps_kind {
	TCPS_KIND_FULL,		/* a struct sock: listener or connection */
	TCPS_KIND_REQ,		/* a request socket (TCP_NEW_SYN_RECV) */
	TCPS_KIND_TW,		/* a timewait socket */
};

/*
 * One socket as copied out under its bucket lock.  Plain data only: it is
 * rendered after the lock is dropped, so nothing here may point into the
 * socket.
 */
struct tcps_row {
	union tcps_addr src, dst;
	u64 ino;
	unsigned long obj;	/* the socket's address: compared, never shown */
	u32 uid;		/* already mapped into the reader's user ns */
	u32 rxq;
	u32 txq;
	u32 timer_ms;		/* time left on the armed timer */
	u32 idle_rcv_ms;	/* since anything came from the peer */
	u32 idle_snd_ms;	/* since data last went out */
	u16 sport;		/* host order; 0 is a wildcard */
	u16 dport;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 state;		/* enum tcps_state */
	u8 kind;		/* enum tcps_kind */
	u8 timer;		/* enum tcps_timer */
	u8 retrans;
	u8 probes;
	bool has_idle;		/* the idle_* figures mean something */
};

/*
 * The tables in the order a read walks them.  Bound sockets come first so
 * that one moving on to a listener or a connection during the read is
 * recognised there (struct tcps_seen) and not shown twice.
 */
enum tcps_table {
	TCPS_TABLE_BIND,	/* hashinfo->bhash2: sockets only bound */
	TCPS_TABLE_LISTEN,	/* hashinfo->lhash2 */
	TCPS_TABLE_EHASH,	/* hashinfo->ehash */
	TCPS_TABLE_END,
};

/*
 * A set of socket addresses (open addressing): the sockets a read has
 * shown from the bind table.  Addresses are only compared: one freed and
 * reused by a new socket hides that socket, which appeared during the
 * read and need not be shown.
 */
struct tcps_seen {
	unsigned long *slots;	/* 0: free */
	unsigned int n;
	unsigned int bits;	/* 1 << bits slots, 0 with none allocated */
};

/*
 * A cursor over the TCP tables of one netns.  Each step copies one
 * non-empty bucket into @rows, so the walk can be paused between any two
 * buckets (and rows) without holding a lock or a reference.
 */
struct tcps_walk {
	struct net *net;
	struct user_namespace *user_ns;
	enum tcps_table table;
	unsigned int bucket;	/* next bucket to copy */
	struct tcps_row *rows;	/* the last bucket copied */
	unsigned int nrows;
	unsigned int cap;
	struct tcps_seen seen;	/* shown from the bind table */
};

/* walk.c */
int tcps_walk_init(struct tcps_walk *w, struct net *net,
		   struct user_namespace *user_ns);
void tcps_walk_rewind(struct tcps_walk *w);
int tcps_walk_next(struct tcps_walk *w);
void tcps_walk_count(struct net *net, u64 *counts);
void tcps_walk_destroy(struct tcps_walk *w);

/* seen.c */
bool tcps_seen_has(const struct tcps_seen *s, const void *obj);
unsigned int tcps_seen_room(const struct tcps_seen *s);
int tcps_seen_reserve(struct tcps_seen *s, unsigned int more);
void tcps_seen_add(struct tcps_seen *s, const void *obj);
void tcps_seen_clear(struct tcps_seen *s);
void tcps_seen_free(struct tcps_seen *s);

/* states.c */
u8 tcps_state_of(int kstate, int tw_substate);
const char *tcps_state_name(unsigned int id);

/* render.c */
#define TCPS_ROW_MAX	256	/* longest rendered row, newline included */
size_t tcps_render_row(char *buf, const struct tcps_row *row);
void tcps_render_header(struct seq_file *m, unsigned int netns_inum);
void tcps_render_counts(struct seq_file *m, const u64 *counts);

/* proc.c */
int tcps_proc_init(void);
void tcps_proc_exit(void);

/* counts.c */
int tcps_counts_init(void);
void tcps_counts_exit(void);

/*
 * ---- State transitions: trans.c, trans_ring.c, trans_proc.c ----
 *
 * Probes on TCP's state changes count each from->to pair per netns and
 * per CPU, and keep the latest transitions in per-CPU rings; two proc
 * files show them.  Slots (matrix indexes, states in the log) are the
 * kernel's TCP_* values 1..12 (TCP_NEW_SYN_RECV is a request socket),
 * TCPS_TRANS_TW_FIN_WAIT2, and TCPS_TRANS_OTHER for anything else.
 */
struct sock;

#define TCPS_TRANS_SLOTS	(TCPS_TRANS_TW_FIN_WAIT2 + 1)

/* Counts by [from][to] slot: a netns's sum, as the file shows it. */
struct tcps_trans_matrix {
	u64 n[TCPS_TRANS_SLOTS][TCPS_TRANS_SLOTS];
	u64 bound[2];	/* TCPS_BOUND_IN, TCPS_BOUND_OUT (kept.c) */
};

/*
 * A full socket entering (IN) or leaving (OUT) the set of sockets only
 * bound in CLOSE, the CLOSE rows of the walk: counted beside the pairs
 * for kept.c, which has no pair for bind() or a bound socket's end.
 */
enum tcps_bound_dir {
	TCPS_BOUND_IN,
	TCPS_BOUND_OUT,
};

/*
 * A netns's counters (trans_pairs.c): the 39 pairs TCP makes, each
 * counted per CPU with the two bound counts (328 bytes per CPU, not
 * 1.5 KiB), and any other pair in one matrix of atomics.  Charged to
 * whoever made the netns.
 */
#define TCPS_TRANS_PAIRS	39

struct tcps_trans_cpu {
	u64 n[TCPS_TRANS_PAIRS];	/* by index in trans_pairs.c's list */
	u64 bound[2];			/* by enum tcps_bound_dir */
};

struct tcps_trans_store {
	struct tcps_trans_cpu __percpu *cpu;
	atomic64_t other[TCPS_TRANS_SLOTS][TCPS_TRANS_SLOTS];
};

/* [from][to]: 1 + the pair's index in the list, or 0 for the others. */
extern u8 tcps_pair_index[TCPS_TRANS_SLOTS][TCPS_TRANS_SLOTS];

/*
 * Count one change: with preemption off (tcps_trans_record()); one
 * non-atomic add on this CPU's copy, irq-safe on its own.
 */
static inline void tcps_pairs_count(struct tcps_trans_store *s, u8 from, u8 to)
{
	u8 pair = tcps_pair_index[from][to];

	if (likely(pair))
		this_cpu_inc(s->cpu->n[pair - 1]);
	else
		atomic64_inc(&s->other[from][to]);
}

/* trans_pairs.c */
void tcps_pairs_init(void);
struct tcps_trans_store *tcps_pairs_alloc(gfp_t gfp);
void tcps_pairs_free(struct tcps_trans_store *s);
void tcps_pairs_sum(const struct tcps_trans_store *s,
		    struct tcps_trans_matrix *sum);

/* The ring size, in entries per CPU: a power of two in this range. */
#define TCPS_RING_MIN		16
#define TCPS_RING_MAX		65536
#define TCPS_RING_DEFAULT	1024

/*
 * One logged transition, 72 bytes: a ring slot, and the reader's copy.
 * In a slot, @seq is odd while the slot is being written and grows by two
 * per write; 0 means never written.
 */
struct tcps_trans_entry {
	u32 seq;
	u32 netns_inum;		/* shown */
	u64 netns_cookie;	/* matched: unlike inum, never reused */
	u64 cookie;		/* the socket's, as inet_diag and ss -e show it */
	u64 time_ns;		/* CLOCK_MONOTONIC */
	union tcps_addr saddr, daddr;
	u16 sport;		/* host order; 0 while not yet bound */
	u16 dport;
	u8 family;		/* AF_INET or AF_INET6 */
	u8 from;		/* slots */
	u8 to;
	u8 pad;
};

/*
 * A reader's view of the rings: one netns's entries, oldest first, and
 * where in each CPU's ring the next view begins.
 */
struct tcps_trans_log {
	struct tcps_trans_entry *entries;
	unsigned int n;
	unsigned long *heads;	/* per possible CPU: next index not taken */
	u64 lost;		/* overwritten before taken (any netns) */
};

/* What one hook observes and whether it is attached, for the proc file. */
struct tcps_trans_hook {
	const char *name;	/* "state", "timewait", "request" */
	const char *kind;	/* "tracepoint", "ftrace", "kprobe", ... */
	const char *target;	/* what is attached, or every name tried */
	int err;		/* 0: attached; else why not */
	unsigned long missed;	/* hits the probe could not handle */
};

#define TCPS_TRANS_HOOKS	6

/* trans.c */
int tcps_trans_init(void);
void tcps_trans_exit(void);
int tcps_trans_counts(struct net *net, struct tcps_trans_matrix *sum);
void tcps_trans_hooks(struct tcps_trans_hook *hooks);
void tcps_trans_bound(const struct sock *sk, enum tcps_bound_dir dir);

/* kept.c */
int tcps_kept_init(void);
void tcps_kept_exit(void);
int tcps_kept_counts(struct net *net, u64 *counts);

/* kept_rows.c */
void tcps_kept_derive(const struct tcps_trans_matrix *m, s64 *k);
u64 tcps_kept_events(const struct tcps_trans_matrix *m);

/* trans_ring.c */
int tcps_ring_init(void);
void tcps_ring_exit(void);
bool tcps_ring_enabled(void);
void tcps_ring_log(const struct sock *sk, const struct net *net, u16 sport,
		   u8 from, u8 to);

/*
 * On unless loaded with log=0, set once at load: a jump over the call
 * patched into the probes then, so a log switched off costs them nothing.
 */
DECLARE_STATIC_KEY_TRUE(tcps_ring_on);

/* Log a transition on this CPU, if the log is on: see tcps_ring_log(). */
static __always_inline void tcps_ring_add(const struct sock *sk,
					  const struct net *net, u16 sport,
					  u8 from, u8 to)
{
	if (static_branch_likely(&tcps_ring_on))
		tcps_ring_log(sk, net, sport, from, to);
}

int tcps_ring_snapshot(struct tcps_trans_log *log, u64 netns_cookie);
int tcps_ring_follow(struct tcps_trans_log *log, u64 netns_cookie);
bool tcps_ring_pending(const struct tcps_trans_log *log, u64 netns_cookie);
void tcps_ring_snapshot_free(struct tcps_trans_log *log);
int tcps_ring_wait_pending(const struct tcps_trans_log *log, u64 netns_cookie);
void tcps_ring_poll_wait(struct file *file, struct poll_table_struct *wait);
void tcps_ring_shutdown(void);

/* trans_proc.c */
int tcps_trans_proc_init(void);
void tcps_trans_proc_exit(void);

#endif /* _TCPS_TCPSTATES_H */
