// SPDX-License-Identifier: GPL-2.0
/*
 * Kept per-state counts: /proc/tcpstates_counts in O(CPUs), not O(sockets).
 *
 * The transition hooks (trans.c) already count, per netns and per CPU,
 * every change that moves a socket into or out of a row of the walk: a
 * full socket's state changes, a timewait socket's birth, substate change
 * and end, a request socket's birth and end.  Two more hooks here count
 * what makes or ends a row without a state change: bind() putting a
 * socket in CLOSE into the bind table, and a socket in CLOSE giving its
 * port back (its end, or bind()'s own failure).  The counts of a netns
 * are then its seed plus what the counters say moved since:
 *
 *	count[s] = base[s] + derived(matrix)[s]
 *
 * A netns made after the hooks were attached starts empty: base 0.  One
 * that existed before is seeded by a walk, in a work item: base = the
 * walk's counts - derived(matrix).  That is exact only if no hook fired
 * for the netns while the walk ran, and if no hook that fired before had
 * its change still to come in the tables, or the reverse (the tracepoint
 * fires just before the state is stored, the request hook just after the
 * request is hashed).  So a seed is taken as
 *
 *	events E0, grace periods, walk, grace periods, events E1
 *
 * where the grace periods (RCU, and RCU Tasks for a task preempted
 * between a hook and its change) let every such change finish, and kept
 * only if E0 == E1 (the counters only grow: equal sums mean no event) and
 * no hook missed a hit meanwhile; and only if two such seeds agree.  Until
 * then, and whenever a hook misses a hit (a kretprobe out of instances),
 * a read counts by a walk, as before, and the file's title says so.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/workqueue.h>
#include <net/inet_connection_sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "compat_fhook.h"
#include "tcpstates.h"

/* Seeds tried in one go, and how long a netns waits after a failed go. */
#define TCPS_KEPT_TRIES		4
#define TCPS_KEPT_RETRY		(5 * HZ)

struct tcps_kept_net {
	struct net *net;
	struct work_struct seed;
	struct mutex lock;		/* base, seeded, missed */
	s64 base[TCPS_STATE_SLOTS];
	unsigned long missed;		/* the hooks' misses when seeded */
	bool seeded;
	bool stop;			/* the netns or the module is going */
	unsigned long next_try;		/* jiffies; 0: now */
};

static unsigned int tcps_kept_net_id __read_mostly;
/* Set once the pernet registration is done: later netns start empty. */
static bool tcps_kept_born_seeded;
/* Every hook the counts depend on is attached. */
static bool tcps_kept_hooked;

/* ---- the two bind table hooks ---- */

/*
 * inet_bind_hash(sk, tb, tb2, port) puts @sk in the bind table: from
 * bind() (inet_csk_get_port()) in CLOSE, and for connect(), listen() and
 * children in their new state, which the tracepoint counts.
 */
static void tcps_kept_bind_hook(const unsigned long *args)
{
	const struct sock *sk = (const void *)args[0];

	if (sk->sk_protocol == IPPROTO_TCP &&
	    inet_sk_state_load(sk) == TCP_CLOSE)
		tcps_trans_bound(sk, TCPS_BOUND_IN);
}

/*
 * inet_put_port(sk) takes @sk out: in CLOSE at its end or when bind()
 * fails late; tcp_set_state() calls it before storing CLOSE, for a port
 * not kept, and then the state is still the old one (and the tracepoint
 * after it finds the socket unbound).
 */
static void tcps_kept_unbind_hook(const unsigned long *args)
{
	const struct sock *sk = (const void *)args[0];

	if (sk->sk_protocol == IPPROTO_TCP &&
	    inet_sk_state_load(sk) == TCP_CLOSE &&
	    READ_ONCE(inet_csk(sk)->icsk_bind_hash))
		tcps_trans_bound(sk, TCPS_BOUND_OUT);
}

static struct tcps_fhook tcps_bind_hook = {
	.symbol = "inet_bind_hash", .handler = tcps_kept_bind_hook,
};

static struct tcps_fhook tcps_unbind_hook = {
	.symbol = "inet_put_port", .handler = tcps_kept_unbind_hook,
};

static int tcps_bind_err = -ENOENT;

static void tcps_kept_attach(void)
{
	tcps_bind_err = tcps_fhook_attach(&tcps_bind_hook);
	if (!tcps_bind_err) {
		tcps_bind_err = tcps_fhook_attach(&tcps_unbind_hook);
		if (tcps_bind_err)
			tcps_fhook_detach(&tcps_bind_hook);
	}
	if (tcps_bind_err)
		pr_info("bound sockets are not observed: hook: error %d; counts are walked\n",
			tcps_bind_err);
}

static void tcps_kept_detach(void)
{
	tcps_fhook_detach(&tcps_unbind_hook);
	tcps_fhook_detach(&tcps_bind_hook);
}

/* Hits any hook could not handle: a count then went missing. */
static unsigned long tcps_kept_missed(void)
{
	struct tcps_trans_hook hooks[TCPS_TRANS_HOOKS];
	unsigned long missed;
	unsigned int i;

	tcps_trans_hooks(hooks);
	missed = tcps_fhook_missed(&tcps_bind_hook) +
		 tcps_fhook_missed(&tcps_unbind_hook);
	for (i = 0; i < TCPS_TRANS_HOOKS; i++)
		missed += hooks[i].missed;
	return missed;
}

static bool tcps_kept_all_hooked(void)
{
	struct tcps_trans_hook hooks[TCPS_TRANS_HOOKS];
	unsigned int i;

	if (tcps_bind_err)
		return false;
	tcps_trans_hooks(hooks);
	for (i = 0; i < TCPS_TRANS_HOOKS; i++)
		if (hooks[i].err)
			return false;
	return true;
}

/* ---- seeding ---- */

/*
 * Let every hook that fired before finish the change it stands for: RCU
 * for the ones in softirq or with preemption off, RCU Tasks for a task
 * preempted between a hook and its change (the same as RCU on a kernel
 * without preemption).
 */
static void tcps_kept_settle(void)
{
	synchronize_rcu();
	synchronize_rcu_tasks();
}

/*
 * One seed of @net into @base.  Return: 0, or -EAGAIN if anything moved
 * meanwhile, or -ENOENT for a netns without counters.
 */
static int tcps_kept_seed_once(struct net *net, struct tcps_trans_matrix *m,
			       s64 *base, unsigned long *missed)
{
	u64 walked[TCPS_STATE_SLOTS] = { 0 };
	unsigned int i;
	u64 events;

	*missed = tcps_kept_missed();
	if (tcps_trans_counts(net, m))
		return -ENOENT;
	events = tcps_kept_events(m);
	tcps_kept_settle();
	/* Moved already: the walk would be for nothing. */
	if (tcps_trans_counts(net, m) || tcps_kept_events(m) != events)
		return -EAGAIN;
	tcps_walk_count(net, walked);
	tcps_kept_settle();
	if (tcps_trans_counts(net, m))
		return -ENOENT;
	if (tcps_kept_events(m) != events || tcps_kept_missed() != *missed)
		return -EAGAIN;
	tcps_kept_derive(m, base);
	for (i = 0; i < TCPS_STATE_SLOTS; i++)
		base[i] = (s64)walked[i] - base[i];
	base[0] = 0;
	return 0;
}

static void tcps_kept_seed_fn(struct work_struct *work)
{
	struct tcps_kept_net *kn = container_of(work, struct tcps_kept_net,
						seed);
	s64 base[TCPS_STATE_SLOTS], prev[TCPS_STATE_SLOTS];
	struct tcps_trans_matrix *m;
	unsigned long missed;
	bool have_prev = false;
	unsigned int try;
	int err;

	/* Reads meanwhile need not ask again. */
	WRITE_ONCE(kn->next_try, jiffies + TCPS_KEPT_RETRY ?: 1);
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		goto retry_later;
	for (try = 0; try < TCPS_KEPT_TRIES && !READ_ONCE(kn->stop); try++) {
		err = tcps_kept_seed_once(kn->net, m, base, &missed);
		if (err == -ENOENT)
			break;
		if (err)
			continue;
		/* Two seeds, apart in time, must agree. */
		if (have_prev && !memcmp(base, prev, sizeof(base))) {
			mutex_lock(&kn->lock);
			memcpy(kn->base, base, sizeof(base));
			kn->missed = missed;
			kn->seeded = true;
			mutex_unlock(&kn->lock);
			kfree(m);
			return;
		}
		memcpy(prev, base, sizeof(base));
		have_prev = true;
	}
	kfree(m);
retry_later:
	WRITE_ONCE(kn->next_try, jiffies + TCPS_KEPT_RETRY ?: 1);
}

/* ---- reading ---- */

/**
 * tcps_kept_counts - a netns's counts, from the counters
 * @net: the netns, pinned by the caller
 * @counts: TCPS_STATE_SLOTS counts to fill
 *
 * Return: 0, or why the caller must walk: -EOPNOTSUPP (a hook the counts
 * need is not attached on this kernel), -EAGAIN (not seeded yet: a seed
 * is under way; it takes a time without changes in the netns), -ENOENT
 * (a netns being set up or dismantled).
 */
int tcps_kept_counts(struct net *net, u64 *counts)
{
	struct tcps_kept_net *kn = net_generic(net, tcps_kept_net_id);
	s64 k[TCPS_STATE_SLOTS], base[TCPS_STATE_SLOTS];
	struct tcps_trans_matrix *m;
	unsigned long missed;
	unsigned int i;
	bool seeded;
	int err;

	if (!READ_ONCE(tcps_kept_hooked))
		return -EOPNOTSUPP;
	if (!kn || !kn->net)
		return -ENOENT;

	mutex_lock(&kn->lock);
	seeded = kn->seeded;
	memcpy(base, kn->base, sizeof(base));
	missed = kn->missed;
	mutex_unlock(&kn->lock);
	if (!seeded)
		goto seed;

	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	err = tcps_trans_counts(net, m);
	if (!err)
		tcps_kept_derive(m, k);
	kfree(m);
	if (err)
		return err;
	/* A hook missed a hit since the seed: the counts may be off. */
	if (tcps_kept_missed() != missed)
		goto unseed;
	for (i = TCPS_STATE_FIRST; i <= TCPS_STATE_LAST; i++) {
		k[i] += base[i];
		if (k[i] < 0)	/* never, if the hooks saw it all */
			goto unseed;
		counts[i] = k[i];
	}
	return 0;

unseed:
	mutex_lock(&kn->lock);
	kn->seeded = false;
	mutex_unlock(&kn->lock);
	WRITE_ONCE(kn->next_try, 0);
seed:
	if (time_after_eq(jiffies, READ_ONCE(kn->next_try)) ||
	    !READ_ONCE(kn->next_try))
		queue_work(system_unbound_wq, &kn->seed);
	return -EAGAIN;
}

/* ---- pernet ---- */

static int __net_init tcps_kept_net_init(struct net *net)
{
	struct tcps_kept_net *kn = net_generic(net, tcps_kept_net_id);

	mutex_init(&kn->lock);
	INIT_WORK(&kn->seed, tcps_kept_seed_fn);
	/*
	 * A netns made from now on has had the hooks since before its
	 * first socket: nothing to seed.  One that existed is seeded now.
	 */
	kn->seeded = READ_ONCE(tcps_kept_born_seeded);
	WRITE_ONCE(kn->net, net);
	if (!kn->seeded && READ_ONCE(tcps_kept_hooked))
		queue_work(system_unbound_wq, &kn->seed);
	return 0;
}

/* Before trans.c's .pre_exit takes the counters the seed reads. */
static void __net_exit tcps_kept_net_pre_exit(struct net *net)
{
	struct tcps_kept_net *kn = net_generic(net, tcps_kept_net_id);

	/* A seed under way ends after the step it is in. */
	WRITE_ONCE(kn->stop, true);
	cancel_work_sync(&kn->seed);
}

static struct pernet_operations tcps_kept_net_ops = {
	.init		= tcps_kept_net_init,
	.pre_exit	= tcps_kept_net_pre_exit,
	.id		= &tcps_kept_net_id,
	.size		= sizeof(struct tcps_kept_net),
};

/**
 * tcps_kept_init - attach the bind hooks and seed every netns
 *
 * After trans.c's hooks are attached, before /proc/tcpstates_counts
 * exists.  Without a hook the counts need, reads walk.
 *
 * Return: 0 or a negative errno.
 */
int tcps_kept_init(void)
{
	int err;

	tcps_kept_attach();
	WRITE_ONCE(tcps_kept_hooked, tcps_kept_all_hooked());
	err = register_pernet_subsys(&tcps_kept_net_ops);
	if (err) {
		tcps_kept_detach();
		return err;
	}
	WRITE_ONCE(tcps_kept_born_seeded, true);
	return 0;
}

/**
 * tcps_kept_exit - stop seeding, detach the bind hooks
 *
 * After /proc/tcpstates_counts is gone, before trans.c's hooks go.
 */
void tcps_kept_exit(void)
{
	unregister_pernet_subsys(&tcps_kept_net_ops);
	tcps_kept_detach();
}
