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

#include "compat_sock.h"
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

/* The chain of @w's current bucket. */
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

static void tcps_copy_addrs(struct tcps_row *r, const struct sock *sk)
{
	r->family = tcps_sock_addrs(sk, &r->src, &r->dst);
	r->sport = sk->sk_num;
	r->dport = ntohs(sk->sk_dport);
}

static void tcps_copy_req(struct tcps_walk *w, struct tcps_row *r,
			  struct sock *sk)
{
	struct request_sock *req = inet_reqsk(sk);
	u64 ino;
	kuid_t uid;

	tcps_copy_addrs(r, sk);
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
}

/*
 * The TCPS_* id of @sk, a socket in the chain of @w's current bucket, or
 * 0 if it is not one to show: of another netns, or not in a state its
 * table holds (a listener is unhashed before it leaves LISTEN, so none is
 * expected; the check only keeps garbage out).
 */
static u8 tcps_sock_state_id(const struct tcps_walk *w, const struct sock *sk,
			     int state)
{
	bool listen_table = w->table == TCPS_TABLE_LISTEN;
	bool listener = state == TCP_LISTEN;
	int substate = 0;

	if (!net_eq(sock_net(sk), w->net) || listener != listen_table)
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
	r->state = id;
	if (state == TCP_TIME_WAIT) {
		r->kind = TCPS_KIND_TW;
		tcps_copy_addrs(r, sk);
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

/**
 * tcps_walk_next - copy the next bucket that has sockets of our netns
 * @w: the walk
 *
 * Sleeps: call without locks.  Listeners come first, as in /proc/net/tcp.
 *
 * Return: the number of rows now in @w->rows, 0 at the end of the tables,
 * or -ENOMEM (@w then stays at the bucket it could not copy).
 */
int tcps_walk_next(struct tcps_walk *w)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);
	struct hlist_nulls_head *head;
	unsigned int skipped = 0;
	int err;

	w->nrows = 0;
	while (w->table != TCPS_TABLE_END) {
		if (w->table == TCPS_TABLE_LISTEN) {
			if (w->bucket > h->lhash2_mask) {
				w->table = TCPS_TABLE_EHASH;
				w->bucket = 0;
				continue;
			}
		} else if (w->bucket > h->ehash_mask) {
			w->table = TCPS_TABLE_END;
			break;
		}
		head = tcps_bucket(w);

		/* Peeking at the head pointer needs no lock: never followed. */
		if (hlist_nulls_empty(head)) {
			w->bucket++;
			if (++skipped == TCPS_EMPTY_BATCH) {
				skipped = 0;
				cond_resched();
			}
			continue;
		}

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

/* Count one chain's sockets of our netns by state, under its lock. */
static void tcps_count_chain(struct tcps_walk *w, u64 *counts)
{
	struct hlist_nulls_node *node;
	struct hlist_nulls_head *head;
	struct sock *sk;

	head = tcps_bucket(w);
	if (hlist_nulls_empty(head))
		return;
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
	struct inet_hashinfo *h = tcps_hashinfo(&w);
	unsigned int last;

	for (w.table = TCPS_TABLE_LISTEN; w.table != TCPS_TABLE_END;
	     w.table++) {
		last = w.table == TCPS_TABLE_LISTEN ? h->lhash2_mask :
						      h->ehash_mask;
		for (w.bucket = 0; w.bucket <= last; w.bucket++) {
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
	w->table = TCPS_TABLE_LISTEN;
	w->bucket = 0;
	w->nrows = 0;
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
}
