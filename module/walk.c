// SPDX-License-Identifier: GPL-2.0
/*
 * The lockless walk of one netns's TCP tables.
 *
 * Established, request and timewait sockets come from SLAB_TYPESAFE_BY_RCU
 * caches: under rcu_read_lock() an object we reach stays a socket, but it
 * can be freed and reused for another connection, in another chain or
 * netns, at any time.  So, as __inet_lookup_established() does, a socket
 * is trusted only after refcount_inc_not_zero() and a recheck that it is
 * still hashed, in our netns and in the bucket we walk; and a chain whose
 * nulls end marker is not this bucket's means the walk strayed into
 * another chain, so the bucket is copied again from scratch.  Copying a
 * whole bucket before any of it is shown is what makes that restart
 * invisible: no row is ever shown twice.
 *
 * No bucket lock is taken, and RCU is held for one bucket at a time, so a
 * reader never delays the TCP fast path nor RCU grace periods by more than
 * one chain.
 */
#include <linux/cred.h>
#include <linux/minmax.h>
#include <linux/rculist_nulls.h>
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
#include "tcpstates.h"

/* Rows held per open file to begin with; a longer chain grows it. */
#define TCPS_ROWS_INITIAL	32
/* Empty buckets skipped between two scheduling points. */
#define TCPS_EMPTY_BATCH	1024

static struct inet_hashinfo *tcps_hashinfo(const struct tcps_walk *w)
{
	return w->net->ipv4.tcp_death_row.hashinfo;
}

static void tcps_copy_addrs(struct tcps_row *r, const struct sock *sk)
{
	r->family = sk->sk_family;
	r->sport = sk->sk_num;
	r->dport = ntohs(sk->sk_dport);

	if (r->family == AF_INET6) {
		r->src.v6 = sk->sk_v6_rcv_saddr;
		r->dst.v6 = sk->sk_v6_daddr;
	} else {
		r->src.v4 = sk->sk_rcv_saddr;
		r->dst.v4 = sk->sk_daddr;
	}
}

static void tcps_copy_req(struct tcps_walk *w, struct tcps_row *r,
			  struct sock *sk)
{
	struct request_sock *req = inet_reqsk(sk);

	tcps_copy_addrs(r, sk);
	/*
	 * An IPv4 SYN to a dual-stack IPv6 listener makes an AF_INET6
	 * request socket whose IPv6 address fields are never written (the
	 * IPv4 ops fill in the IPv4 ones): show the mapped IPv4 addresses,
	 * which is what the child socket will have.
	 */
	if (r->family == AF_INET6 && req->rsk_ops->family == AF_INET) {
		ipv6_addr_set_v4mapped(sk->sk_rcv_saddr, &r->src.v6);
		ipv6_addr_set_v4mapped(sk->sk_daddr, &r->dst.v6);
	}
	/* The listener is pinned by the request socket we hold. */
	r->uid = from_kuid_munged(w->user_ns, tcps_sock_uid(req->rsk_listener));
}

static void tcps_copy_full(struct tcps_walk *w, struct tcps_row *r,
			   struct sock *sk, int state)
{
	const struct tcp_sock *tp = tcp_sk(sk);

	tcps_copy_addrs(r, sk);
	/* The queue figures of /proc/net/tcp, read the same racy way. */
	if (state == TCP_LISTEN)
		r->rxq = READ_ONCE(sk->sk_ack_backlog);
	else
		r->rxq = max_t(int, READ_ONCE(tp->rcv_nxt) -
				    READ_ONCE(tp->copied_seq), 0);
	r->txq = READ_ONCE(tp->write_seq) - READ_ONCE(tp->snd_una);
	/* Both may take sk_callback_lock: only with our reference held. */
	r->uid = from_kuid_munged(w->user_ns, tcps_sock_uid(sk));
	r->ino = sock_i_ino(sk);
}

/*
 * Whether @sk, seen in @state, is still a socket of this walk: hashed, in
 * our netns, and in @bucket of the table being walked.
 */
static bool tcps_sock_in_bucket(const struct tcps_walk *w,
				const struct sock *sk, int state,
				unsigned int bucket)
{
	if (hlist_nulls_unhashed_lockless(&sk->sk_nulls_node) ||
	    !net_eq(sock_net(sk), w->net))
		return false;
	/* Listeners are SOCK_RCU_FREE: never reused under us. */
	if (w->table == TCPS_TABLE_LISTEN)
		return state == TCP_LISTEN;
	/*
	 * A reused object may now be a listener (seen from the listening
	 * table) or a connection of another bucket.
	 */
	return state != TCP_LISTEN &&
	       (sk->sk_hash & tcps_hashinfo(w)->ehash_mask) == bucket;
}

/* The TCPS_* id of @sk seen in kernel state @state; 0 if none. */
static u8 tcps_sock_state_id(const struct sock *sk, int state)
{
	int substate = 0;

	if (state == TCP_TIME_WAIT)
		substate = READ_ONCE(inet_twsk(sk)->tw_substate);
	return tcps_state_of(state, substate);
}

/*
 * Copy @sk into @r if it is still a socket of this walk: hashed, in our
 * netns, in @bucket of @table.  The caller holds a reference on @sk.
 * Return: true if @r was filled.
 */
static bool tcps_copy_sock(struct tcps_walk *w, struct tcps_row *r,
			   struct sock *sk, unsigned int bucket)
{
	int state = inet_sk_state_load(sk);

	if (!tcps_sock_in_bucket(w, sk, state, bucket))
		return false;
	memset(r, 0, sizeof(*r));
	r->state = tcps_sock_state_id(sk, state);
	if (!r->state)
		return false;

	if (state == TCP_TIME_WAIT || w->states_only) {
		/*
		 * A counting walk needs only the tuple (to drop handovers),
		 * and skips what takes sk_callback_lock or a listener's.
		 */
		r->kind = state == TCP_TIME_WAIT ? TCPS_KIND_TW :
			  state == TCP_NEW_SYN_RECV ? TCPS_KIND_REQ :
			  TCPS_KIND_FULL;
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

static bool tcps_same_tuple(const struct tcps_row *a, const struct tcps_row *b)
{
	return a->family == b->family && a->sport == b->sport &&
	       a->dport == b->dport &&
	       !memcmp(&a->src, &b->src, sizeof(a->src)) &&
	       !memcmp(&a->dst, &b->dst, sizeof(a->dst));
}

/*
 * Two moments show one connection twice in a chain without the bucket
 * lock: a full socket entering TIME_WAIT (6.1 hashes the timewait socket
 * before unhashing the full one) and a connect() reusing a TIME_WAIT
 * tuple (the new SYN_SENT socket is hashed before the timewait one goes).
 * In both, keep the socket that stays.
 */
static void tcps_drop_handovers(struct tcps_walk *w)
{
	unsigned int i, j, n = 0;

	for (i = 0; i < w->nrows; i++) {
		const struct tcps_row *r = &w->rows[i];
		bool gone = false;

		for (j = 0; j < w->nrows && !gone; j++) {
			const struct tcps_row *o = &w->rows[j];

			if (j == i || !tcps_same_tuple(r, o))
				continue;
			if (r->kind == TCPS_KIND_FULL && o->kind == TCPS_KIND_TW)
				gone = r->state != TCPS_SYN_SENT;
			else if (r->kind == TCPS_KIND_TW &&
				 o->kind == TCPS_KIND_FULL)
				gone = o->state == TCPS_SYN_SENT;
		}
		if (!gone)
			w->rows[n++] = *r;
	}
	w->nrows = n;
}

static bool tcps_bucket_has_tw(const struct tcps_walk *w)
{
	unsigned int i;

	for (i = 0; i < w->nrows; i++)
		if (w->rows[i].kind == TCPS_KIND_TW)
			return true;
	return false;
}

static int tcps_grow(struct tcps_walk *w)
{
	unsigned int cap = w->cap * 2;
	struct tcps_row *rows;

	rows = kvmalloc_array(cap, sizeof(*rows), GFP_KERNEL_ACCOUNT);
	if (!rows)
		return -ENOMEM;
	kvfree(w->rows);
	w->rows = rows;
	w->cap = cap;
	return 0;
}

/*
 * Copy every socket of our netns in one chain into w->rows.
 * Return: 0 or -ENOMEM.
 */
static int tcps_copy_bucket(struct tcps_walk *w, struct hlist_nulls_head *head,
			    unsigned int bucket, unsigned int nulls)
{
	struct hlist_nulls_node *node;
	struct sock *sk;
	bool full;
	int err;

again:
	w->nrows = 0;
	full = false;
	rcu_read_lock();
	sk_nulls_for_each_rcu(sk, node, head) {
		/* Cheap filter; the real check is after the reference. */
		if (!net_eq(sock_net(sk), w->net))
			continue;
		if (w->nrows == w->cap) {
			full = true;
			break;
		}
		/* Zero: being freed, or a request socket not yet live. */
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			continue;
		if (tcps_copy_sock(w, &w->rows[w->nrows], sk, bucket))
			w->nrows++;
		sock_gen_put(sk);
	}
	if (!full && get_nulls_value(node) != nulls) {
		/* We were moved onto another chain mid-walk: start over. */
		rcu_read_unlock();
		cond_resched();
		goto again;
	}
	rcu_read_unlock();

	if (full) {
		err = tcps_grow(w);
		if (err)
			return err;
		goto again;
	}

	if (w->nrows > 1 && tcps_bucket_has_tw(w))
		tcps_drop_handovers(w);
	return 0;
}

/* The chain of @w's current bucket, and in *@nulls the value ending it. */
static struct hlist_nulls_head *tcps_bucket_head(const struct tcps_walk *w,
						 unsigned int *nulls)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);

	if (w->table == TCPS_TABLE_LISTEN) {
		*nulls = w->bucket + LISTENING_NULLS_BASE;
		return &h->lhash2[w->bucket].nulls_head;
	}
	*nulls = w->bucket;
	return &h->ehash[w->bucket].chain;
}

/**
 * tcps_walk_next - copy the next bucket that has sockets of our netns
 * @w: the walk
 *
 * Sleeps: call without locks.  Listeners come first, as in /proc/net/tcp.
 *
 * Return: the number of rows now in @w->rows, 0 at the end of the tables,
 * or -ENOMEM.
 */
int tcps_walk_next(struct tcps_walk *w)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);
	struct hlist_nulls_head *head;
	unsigned int nulls, skipped = 0;
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
		head = tcps_bucket_head(w, &nulls);

		/* Peeking at the head pointer needs no RCU: never followed. */
		if (hlist_nulls_empty(head)) {
			w->bucket++;
			if (++skipped == TCPS_EMPTY_BATCH) {
				skipped = 0;
				cond_resched();
			}
			continue;
		}

		err = tcps_copy_bucket(w, head, w->bucket, nulls);
		if (err)
			return err;
		w->bucket++;
		cond_resched();
		if (w->nrows)
			return w->nrows;
	}
	return 0;
}

/* Hashes of timewait and full sockets kept per chain by the counting walk. */
#define TCPS_COUNT_HASHES	16

/*
 * Count one chain's sockets of our netns by state, without references:
 * only fields read racily anyway (netns, hash, state, substate), each of
 * a socket that was in the chain when reached.  An object freed and being
 * reused is unhashed (pprev cleared) or has no reference left, and is
 * skipped, as the copying walk's refcount_inc_not_zero() would; one
 * reused into another chain ends the walk on a wrong nulls value, and
 * the chain is counted again.
 *
 * A handover shows one connection as a timewait and a full socket with
 * the same tuple, so the same sk_hash: only a chain where the two kinds
 * share a hash (or with more sockets than fit the lists) needs the
 * copying walk, which compares tuples.
 *
 * Return: false if the chain must go through the copying walk.
 */
static bool tcps_count_chain(struct tcps_walk *w, struct hlist_nulls_head *head,
			     unsigned int bucket, unsigned int nulls,
			     u64 *counts)
{
	u32 tw_hashes[TCPS_COUNT_HASHES], full_hashes[TCPS_COUNT_HASHES];
	unsigned int n[TCPS_STATE_SLOTS], ntw, nfull, i, j;
	struct hlist_nulls_node *node;
	bool overflow;
	struct sock *sk;

again:
	memset(n, 0, sizeof(n));
	ntw = 0;
	nfull = 0;
	overflow = false;
	rcu_read_lock();
	sk_nulls_for_each_rcu(sk, node, head) {
		int state = inet_sk_state_load(sk);
		u8 id;

		if (!refcount_read(&sk->sk_refcnt) ||
		    !tcps_sock_in_bucket(w, sk, state, bucket))
			continue;
		id = tcps_sock_state_id(sk, state);
		if (!id)
			continue;
		n[id]++;
		if (state == TCP_TIME_WAIT) {
			if (ntw < TCPS_COUNT_HASHES)
				tw_hashes[ntw] = sk->sk_hash;
			overflow |= ++ntw > TCPS_COUNT_HASHES;
		} else if (state != TCP_NEW_SYN_RECV &&
			   w->table == TCPS_TABLE_EHASH) {
			if (nfull < TCPS_COUNT_HASHES)
				full_hashes[nfull] = sk->sk_hash;
			overflow |= ++nfull > TCPS_COUNT_HASHES;
		}
	}
	if (get_nulls_value(node) != nulls) {
		rcu_read_unlock();
		cond_resched();
		goto again;
	}
	rcu_read_unlock();

	if (ntw && nfull) {
		if (overflow)
			return false;
		for (i = 0; i < ntw; i++)
			for (j = 0; j < nfull; j++)
				if (tw_hashes[i] == full_hashes[j])
					return false;
	}
	for (i = 0; i < TCPS_STATE_SLOTS; i++)
		counts[i] += n[i];
	return true;
}

/**
 * tcps_walk_count - add up the states of every socket of the netns
 * @w: a walk at its start, states_only set
 * @counts: TCPS_STATE_SLOTS counters, added to
 *
 * The counts /proc/tcpstates would show, without copying a row: a chain
 * is counted in place, and copied only where a handover is possible.
 * Sleeps: call without locks.
 *
 * Return: 0 or -ENOMEM.
 */
int tcps_walk_count(struct tcps_walk *w, u64 *counts)
{
	struct inet_hashinfo *h = tcps_hashinfo(w);
	struct hlist_nulls_head *head;
	unsigned int i, nulls, last;
	int err;

	for (; w->table != TCPS_TABLE_END; w->table++) {
		last = w->table == TCPS_TABLE_LISTEN ? h->lhash2_mask :
						       h->ehash_mask;
		for (w->bucket = 0; w->bucket <= last; w->bucket++) {
			head = tcps_bucket_head(w, &nulls);
			/* Every 1024 buckets, full or empty. */
			if (!(w->bucket % TCPS_EMPTY_BATCH))
				cond_resched();
			if (hlist_nulls_empty(head) ||
			    tcps_count_chain(w, head, w->bucket, nulls, counts))
				continue;
			err = tcps_copy_bucket(w, head, w->bucket, nulls);
			if (err)
				return err;
			for (i = 0; i < w->nrows; i++)
				counts[w->rows[i].state]++;
		}
	}
	return 0;
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
	w->states_only = false;
	w->cap = TCPS_ROWS_INITIAL;
	w->rows = kvmalloc_array(w->cap, sizeof(*w->rows), GFP_KERNEL_ACCOUNT);
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
