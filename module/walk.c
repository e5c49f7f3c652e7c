// SPDX-License-Identifier: GPL-2.0
/*
 * The walk of one netns's TCP tables.
 *
 * Each non-empty bucket is copied whole under its bucket lock, as the
 * kernel's own listers do (/proc/net/tcp, inet_diag, the BPF TCP
 * iterator).  With the lock held the chain cannot change: every object
 * in it is a hashed, fully set up socket of that bucket (TCP inserts and
 * removes under this lock, and sets a socket up before inserting it), and
 * a connection is in it exactly once, since TCP hands a connection over
 * between its request, full and timewait sockets under the same lock.
 * A socket stays in one bucket for its life (the bucket is its tuple's
 * hash), so a read shows every socket that stays hashed through it
 * exactly once, in its state at the moment its bucket was copied.
 *
 * The first versions walked the chains under RCU alone.  That cannot be
 * made exactly-once cheaply: established, request and timewait sockets
 * are SLAB_TYPESAFE_BY_RCU, and an object freed and reused into the same
 * chain (at its head) under a walker sends it over sockets it has
 * already copied, while one reused into the chain of the same index in
 * another netns's table ends the walk on the right nulls value and skips
 * the rest.  Telling those apart needs per-socket bookkeeping that costs
 * more than the lock, which /proc/net/tcp takes for every bucket anyway.
 *
 * The lock is held for one chain and nothing is allocated under it: a
 * chain longer than the rows array is measured, the array grown, and the
 * chain copied again.  Chains of the shared table are a handful of
 * sockets (the hash is keyed with a boot secret); a netns made with
 * net.ipv4.tcp_child_ehash_entries=1 has all its sockets in one chain,
 * and its owner holds that chain's lock for a time linear in the sockets
 * they made themselves, as their reads of /proc/net/tcp already do
 * (there once per page of output).  The work of a read stays linear in
 * the sockets, whatever the chain lengths.
 *
 * Sockets only bound (bind(), or a port kept after a failed connect())
 * are in no table but the bind table, bhash2, whose buckets are spinlock
 * protected only (no RCU): it is walked the way inet_diag walks it, a
 * bucket at a time under the bucket's lock, and first, so that a socket
 * moving on to a listener or a connection during the read is recognised
 * in those tables (w->seen) instead of shown twice.  Of its sockets only
 * those not also in lhash2 or ehash are shown there: the others show in
 * their own table.
 */
#include <linux/cred.h>
#include <linux/minmax.h>
#include <linux/list_nulls.h>
#include <linux/spinlock.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uidgid.h>
#include <net/inet_hashtables.h>
#include <net/inet_timewait_sock.h>
#include <net/ipv6.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "compat_bind.h"
#include "compat_sock.h"
#include "compat_timer.h"
#include "sock_addrs.h"
#include "tcpstates.h"

/* Rows held per open file to begin with; a longer chain grows it. */
#define TCPS_ROWS_INITIAL	32
/* Empty buckets skipped between two scheduling points. */
#define TCPS_EMPTY_BATCH	1024

static struct inet_hashinfo *tcps_hashinfo(const struct tcps_walk *w)
{
	return w->net->ipv4.tcp_death_row.hashinfo;
}

/* The number of buckets of @w's current table. */
static unsigned int tcps_table_size(const struct tcps_walk *w)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);

	switch (w->table) {
	case TCPS_TABLE_BIND:
		return h->bhash_size;
	case TCPS_TABLE_LISTEN:
		return h->lhash2_mask + 1;
	case TCPS_TABLE_EHASH:
		return h->ehash_mask + 1;
	default:
		return 0;
	}
}

/* The bind table's current bucket. */
static struct inet_bind_hashbucket *tcps_bind_bucket(const struct tcps_walk *w)
{
	return &tcps_hashinfo(w)->bhash2[w->bucket];
}

/* The chain of @w's current bucket of lhash2 or ehash. */
static struct hlist_nulls_head *tcps_bucket(const struct tcps_walk *w)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);

	if (w->table == TCPS_TABLE_LISTEN)
		return &h->lhash2[w->bucket].nulls_head;
	return &h->ehash[w->bucket].chain;
}

/* The lock TCP takes to change that chain. */
static spinlock_t *tcps_bucket_lock(const struct tcps_walk *w)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);

	if (w->table == TCPS_TABLE_LISTEN)
		return &h->lhash2[w->bucket].lock;
	return inet_ehash_lockp(h, w->bucket);
}

/* Whether the current bucket is empty; a peek, never followed. */
static bool tcps_bucket_empty(const struct tcps_walk *w)
{
	if (w->table == TCPS_TABLE_BIND)
		return hlist_empty(&tcps_bind_bucket(w)->chain);
	return hlist_nulls_empty(tcps_bucket(w));
}

static void tcps_copy_addrs(struct tcps_row *r, const struct sock *sk)
{
	r->family = tcps_sock_addrs(sk, &r->src, &r->dst);
	r->sport = sk->sk_num;
	r->dport = ntohs(sk->sk_dport);
}

/* Time left until @expires, as /proc/net/tcp and inet_diag compute it. */
static u32 tcps_left_ms(unsigned long expires)
{
	return jiffies_delta_to_msecs(expires - jiffies);
}

/* Milliseconds since @stamp, a tcp_jiffies32 time stamp. */
static u32 tcps_since_ms(u32 stamp)
{
	return jiffies_to_msecs(tcp_jiffies32 - stamp);
}

/*
 * The timer of a full socket, decided as /proc/net/tcp decides it: the
 * retransmit timer (with the loss probe and reordering timers that share
 * it) or the zero-window probe, else the keepalive timer (which also
 * ends a FIN_WAIT2 orphan, and is the SYN-ACK timer of a fast open
 * child), else none.
 */
static void tcps_copy_timer(struct tcps_row *r, const struct sock *sk)
{
	const struct inet_connection_sock *icsk = inet_csk(sk);
	u8 pending = READ_ONCE(icsk->icsk_pending);

	/* 7.x sets the expiry before it publishes pending: read it after. */
	smp_rmb();

	if (pending == ICSK_TIME_RETRANS || pending == ICSK_TIME_REO_TIMEOUT ||
	    pending == ICSK_TIME_LOSS_PROBE) {
		r->timer = TCPS_TIMER_ON;
		r->timer_ms = tcps_left_ms(tcps_retransmit_expires(sk));
	} else if (pending == ICSK_TIME_PROBE0) {
		r->timer = TCPS_TIMER_PROBE;
		r->timer_ms = tcps_left_ms(tcps_retransmit_expires(sk));
	} else if (timer_pending(&icsk->icsk_keepalive_timer)) {
		r->timer = TCPS_TIMER_KEEPALIVE;
		r->timer_ms = tcps_left_ms(READ_ONCE(icsk->icsk_keepalive_timer.expires));
	}
	r->retrans = READ_ONCE(icsk->icsk_retransmits);
	r->probes = READ_ONCE(icsk->icsk_probes_out);
}

/*
 * Idle times of a socket that has a peer: since anything last came from
 * it (data, or an ACK: ss -i's lastrcv and lastack) and since data last
 * went to it (lastsnd).  Listeners, bound sockets and SYN_SENT have
 * none: their stamps are not set yet.
 */
static void tcps_copy_idle(struct tcps_row *r, const struct sock *sk,
			   int state)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	u32 data, ack;

	if (state == TCP_LISTEN || state == TCP_CLOSE || state == TCP_SYN_SENT)
		return;
	data = tcps_since_ms(READ_ONCE(inet_csk(sk)->icsk_ack.lrcvtime));
	ack = tcps_since_ms(READ_ONCE(tp->rcv_tstamp));
	r->idle_rcv_ms = min(data, ack);
	r->idle_snd_ms = tcps_since_ms(READ_ONCE(tp->lsndtime));
	r->has_idle = true;
}

static void tcps_copy_req(struct tcps_walk *w, struct tcps_row *r,
			  struct sock *sk)
{
	struct request_sock *req = inet_reqsk(sk);
	u64 ino;
	kuid_t uid;

	tcps_copy_addrs(r, sk);
	/* The SYN-ACK timer, and the SYN-ACKs resent. */
	r->timer = TCPS_TIMER_ON;
	r->timer_ms = tcps_left_ms(READ_ONCE(req->rsk_timer.expires));
	/* A bit-field: read plainly, as /proc/net/tcp does. */
	r->retrans = req->num_timeout;
	/* The listener is pinned by the request socket; its inode is not ours. */
	tcps_sock_owner(req->rsk_listener, &uid, &ino);
	r->uid = from_kuid_munged(w->user_ns, uid);
}

static void tcps_copy_full(struct tcps_walk *w, struct tcps_row *r,
			   struct sock *sk, int state)
{
	const struct tcp_sock *tp = tcp_sk(sk);
	kuid_t uid;

	tcps_copy_addrs(r, sk);
	/* The queue figures of /proc/net/tcp, read the same racy way. */
	if (state == TCP_LISTEN)
		r->rxq = READ_ONCE(sk->sk_ack_backlog);
	else
		r->rxq = max_t(int, READ_ONCE(tp->rcv_nxt) -
				    READ_ONCE(tp->copied_seq), 0);
	r->txq = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
	tcps_sock_owner(sk, &uid, &r->ino);
	r->uid = from_kuid_munged(w->user_ns, uid);
	tcps_copy_timer(r, sk);
	tcps_copy_idle(r, sk, state);
}

/*
 * The TCPS_* id of @sk, a socket in the chain of @w's current bucket, or
 * 0 if it is not one to show: of another netns, or not in a state its
 * table holds (a listener is unhashed before it leaves LISTEN, so none is
 * expected; the check only keeps garbage out).  The bind table shows any
 * state: a socket only bound is in CLOSE, or on its way into or out of
 * another table.
 */
static u8 tcps_sock_state_id(const struct tcps_walk *w, const struct sock *sk,
			     int state)
{
	bool listen_table = w->table == TCPS_TABLE_LISTEN;
	bool listener = state == TCP_LISTEN;
	int substate = 0;

	if (!net_eq(sock_net(sk), w->net))
		return 0;
	if (w->table != TCPS_TABLE_BIND && listener != listen_table)
		return 0;
	if (state == TCP_TIME_WAIT)
		substate = READ_ONCE(inet_twsk(sk)->tw_substate);
	return tcps_state_of(state, substate);
}

/*
 * Copy @sk into @r.  Called under the bucket lock, bottom halves off.
 * Return: true if @r was filled.
 */
static bool tcps_copy_sock(struct tcps_walk *w, struct tcps_row *r,
			   struct sock *sk)
{
	int state = inet_sk_state_load(sk);
	u8 id = tcps_sock_state_id(w, sk, state);

	if (!id)
		return false;
	memset(r, 0, sizeof(*r));
	r->obj = (unsigned long)sk;
	r->state = id;
	if (state == TCP_TIME_WAIT) {
		r->kind = TCPS_KIND_TW;
		tcps_copy_addrs(r, sk);
		r->timer = TCPS_TIMER_TIMEWAIT;
		r->timer_ms = tcps_left_ms(READ_ONCE(inet_twsk(sk)->tw_timer.expires));
	} else if (state == TCP_NEW_SYN_RECV) {
		r->kind = TCPS_KIND_REQ;
		tcps_copy_req(w, r, sk);
	} else {
		r->kind = TCPS_KIND_FULL;
		tcps_copy_full(w, r, sk, state);
	}
	return true;
}

/* Room for at least @want rows; what was copied is dropped. */
static int tcps_grow(struct tcps_walk *w, unsigned int want)
{
	unsigned int cap = max(w->cap * 2, want + want / 4);
	struct tcps_row *rows;

	rows = kvmalloc_array(cap, sizeof(*rows), TCPS_GFP_READER);
	if (!rows)
		return -ENOMEM;
	kvfree(w->rows);
	w->rows = rows;
	w->cap = cap;
	return 0;
}

/*
 * Copy every socket of our netns in @w's current bucket into w->rows,
 * under the bucket's lock.
 * Return: 0 or -ENOMEM.
 */
static int tcps_copy_bucket(struct tcps_walk *w)
{
	struct hlist_nulls_node *node;
	struct hlist_nulls_head *head;
	unsigned int over;
	struct sock *sk;
	int err;

	head = tcps_bucket(w);
	for (;;) {
		w->nrows = 0;
		over = 0;
		spin_lock_bh(tcps_bucket_lock(w));
		sk_nulls_for_each(sk, node, head) {
			if (tcps_seen_has(&w->seen, sk))
				continue;
			if (w->nrows == w->cap) {
				/* Measure what did not fit, for one regrowth. */
				over += net_eq(sock_net(sk), w->net);
				continue;
			}
			if (tcps_copy_sock(w, &w->rows[w->nrows], sk))
				w->nrows++;
		}
		spin_unlock_bh(tcps_bucket_lock(w));
		if (!over)
			return 0;
		err = tcps_grow(w, w->nrows + over);
		if (err) {
			w->nrows = 0;
			return err;
		}
	}
}

/*
 * Whether @sk, an owner of a bhash2 bucket, is a socket only bound: in
 * no lhash2 or ehash chain (those show it), still holding its port
 * (inet_num goes to 0 just before the socket leaves the bucket), and
 * still its owner's (an orphan here is being destroyed).  Its state is
 * CLOSE, or LISTEN or SYN_SENT in the moment between listen() or
 * connect() setting the state and hashing the socket.  Any other state
 * is a socket on its way out, whose connection a timewait socket may
 * already stand for in ehash; timewait sockets are owners on some
 * kernels and show in ehash.
 */
static bool tcps_bound_only(const struct sock *sk, int state)
{
	if (state != TCP_CLOSE && state != TCP_LISTEN && state != TCP_SYN_SENT)
		return false;
	/*
	 * inet_sport too: bind() publishes it only after the bind table
	 * holds the socket (__inet_bind() sets it once get_port() returned,
	 * outside the bucket lock), and a row must show the port it holds.
	 * Seen once on PREEMPT_RT under churn: a SYN_SENT row with port *.
	 */
	return READ_ONCE(sk->sk_num) && READ_ONCE(inet_sk(sk)->inet_sport) &&
	       !sock_flag(sk, SOCK_DEAD) &&
	       hlist_nulls_unhashed_lockless(&sk->sk_nulls_node);
}

/*
 * Copy the sockets of our netns only bound in @w's current bucket of the
 * bind table into w->rows, under the bucket's lock, and remember them in
 * w->seen.  As with chains, a bucket with more than there is room for is
 * counted, room made without the lock, and copied again.
 * Return: 0 or -ENOMEM.
 */
static int tcps_copy_bind_bucket(struct tcps_walk *w)
{
	struct inet_bind_hashbucket *ibb = tcps_bind_bucket(w);
	struct inet_bind2_bucket *tb2;
	unsigned int found, i;
	struct sock *sk;
	int state, err;

	for (;;) {
		w->nrows = 0;
		found = 0;
		spin_lock_bh(&ibb->lock);
		inet_bind_bucket_for_each(tb2, &ibb->chain) {
			if (!net_eq(ib2_net(tb2), w->net))
				continue;
			tcps_for_each_bound2(sk, tb2) {
				state = inet_sk_state_load(sk);
				if (!tcps_bound_only(sk, state) ||
				    tcps_seen_has(&w->seen, sk))
					continue;
				found++;
				if (w->nrows == w->cap ||
				    w->nrows == tcps_seen_room(&w->seen))
					continue;
				if (tcps_copy_sock(w, &w->rows[w->nrows], sk))
					w->nrows++;
				else
					found--;	/* nothing to show */
			}
		}
		spin_unlock_bh(&ibb->lock);
		if (found == w->nrows)
			break;
		err = found > w->cap ? tcps_grow(w, found) : 0;
		if (!err)
			err = tcps_seen_reserve(&w->seen, found);
		if (err) {
			w->nrows = 0;
			return err;
		}
	}
	for (i = 0; i < w->nrows; i++)
		tcps_seen_add(&w->seen, (void *)w->rows[i].obj);
	return 0;
}

/**
 * tcps_walk_next - copy the next bucket that has sockets of our netns
 * @w: the walk
 *
 * Sleeps: call without locks.  Bound sockets come first, then listeners,
 * as in /proc/net/tcp.
 *
 * Return: the number of rows now in @w->rows, 0 at the end of the tables,
 * or -ENOMEM (@w then stays at the bucket it could not copy).
 */
int tcps_walk_next(struct tcps_walk *w)
{
	unsigned int skipped = 0;
	int err;

	w->nrows = 0;
	while (w->table != TCPS_TABLE_END) {
		if (w->bucket >= tcps_table_size(w)) {
			w->table++;
			w->bucket = 0;
			continue;
		}
		if (tcps_bucket_empty(w)) {
			w->bucket++;
			if (++skipped == TCPS_EMPTY_BATCH) {
				skipped = 0;
				cond_resched();
			}
			continue;
		}

		if (w->table == TCPS_TABLE_BIND)
			err = tcps_copy_bind_bucket(w);
		else
			err = tcps_copy_bucket(w);
		if (err)
			return err;
		w->bucket++;
		cond_resched();
		if (w->nrows)
			return w->nrows;
	}
	return 0;
}

/* Count a bind table bucket's sockets only bound, under its lock. */
static void tcps_count_bind_bucket(struct tcps_walk *w, u64 *counts)
{
	struct inet_bind_hashbucket *ibb = tcps_bind_bucket(w);
	struct inet_bind2_bucket *tb2;
	struct sock *sk;
	int state;

	spin_lock_bh(&ibb->lock);
	inet_bind_bucket_for_each(tb2, &ibb->chain) {
		if (!net_eq(ib2_net(tb2), w->net))
			continue;
		tcps_for_each_bound2(sk, tb2) {
			state = inet_sk_state_load(sk);
			if (tcps_bound_only(sk, state))
				counts[tcps_sock_state_id(w, sk, state)]++;
		}
	}
	spin_unlock_bh(&ibb->lock);
}

/* Count one chain's sockets of our netns by state, under its lock. */
static void tcps_count_chain(struct tcps_walk *w, u64 *counts)
{
	struct hlist_nulls_node *node;
	struct hlist_nulls_head *head;
	struct sock *sk;

	if (tcps_bucket_empty(w))
		return;
	if (w->table == TCPS_TABLE_BIND) {
		tcps_count_bind_bucket(w, counts);
		return;
	}
	head = tcps_bucket(w);
	spin_lock_bh(tcps_bucket_lock(w));
	sk_nulls_for_each(sk, node, head)
		counts[tcps_sock_state_id(w, sk, inet_sk_state_load(sk))]++;
	spin_unlock_bh(tcps_bucket_lock(w));
}

/**
 * tcps_walk_count - add up the states of every socket of a netns
 * @net: the netns; the caller holds a reference
 * @counts: TCPS_STATE_SLOTS counters, added to
 *
 * The counts /proc/tcpstates would show, without copying a row: each
 * chain is counted in place under its lock.  Slot 0 collects what is not
 * shown (sockets of other netns); callers ignore it.
 * Sleeps: call without locks.
 */
void tcps_walk_count(struct net *net, u64 *counts)
{
	struct tcps_walk w = { .net = net };
	unsigned int size;

	for (w.table = TCPS_TABLE_BIND; w.table != TCPS_TABLE_END;
	     w.table++) {
		size = tcps_table_size(&w);
		for (w.bucket = 0; w.bucket < size; w.bucket++) {
			/* Every 1024 buckets, full or empty. */
			if (!(w.bucket % TCPS_EMPTY_BATCH))
				cond_resched();
			tcps_count_chain(&w, counts);
		}
	}
}

/**
 * tcps_walk_rewind - restart the walk at the first bucket
 * @w: the walk
 */
void tcps_walk_rewind(struct tcps_walk *w)
{
	w->table = TCPS_TABLE_BIND;
	w->bucket = 0;
	w->nrows = 0;
	tcps_seen_clear(&w->seen);
}

/**
 * tcps_walk_init - prepare a walk of @net's TCP tables
 * @w: the walk
 * @net: the netns; the caller keeps a reference for the walk's life
 * @user_ns: the reader's user namespace, to map socket owners into
 *
 * Return: 0 or -ENOMEM.
 */
int tcps_walk_init(struct tcps_walk *w, struct net *net,
		   struct user_namespace *user_ns)
{
	w->net = net;
	w->user_ns = user_ns;
	w->seen = (struct tcps_seen){};
	w->cap = TCPS_ROWS_INITIAL;
	w->rows = kvmalloc_array(w->cap, sizeof(*w->rows), TCPS_GFP_READER);
	if (!w->rows)
		return -ENOMEM;
	tcps_walk_rewind(w);
	return 0;
}

/**
 * tcps_walk_destroy - free what tcps_walk_init() allocated
 * @w: the walk
 */
void tcps_walk_destroy(struct tcps_walk *w)
{
	kvfree(w->rows);
	w->rows = NULL;
	w->cap = 0;
	w->nrows = 0;
	tcps_seen_free(&w->seen);
}
