// SPDX-License-Identifier: GPL-2.0
/*
 * State transitions: the probes, and the per-netns from->to matrix.
 *
 * Three hooks see TCP change state:
 *  - the tracepoint sock:inet_sock_set_state, for every change of a full
 *    socket's sk_state (not exported: found by name);
 *  - an entry hook where a full socket is replaced by a timewait socket,
 *    which the tracepoint never reports (it shows the full socket going
 *    to CLOSE right after);
 *  - an entry hook where a listener sends a new request socket's first
 *    SYN-ACK, which has no tracepoint at all.
 * And three more for the ends those two begin (hooks 4 to 6 below).
 * Entry hooks are ftrace_ops (compat_fhook.h); one end needs a
 * kretprobe.  A kernel without them (or with the functions renamed) keeps
 * the first hook only, and the proc file says which changes go
 * unobserved.  The same counters keep /proc/tcpstates_counts (kept.c),
 * for which the tracepoint also counts a bound socket entering or leaving
 * CLOSE.
 *
 * The probes run on every state change of every TCP socket, mostly in
 * softirq, with preemption off for the few stores they make (7.x runs
 * tracepoint probes preemptible: tcps_trans_record() disables it): each
 * bumps a per-CPU counter of its netns (no shared atomic, no lock) and
 * adds an entry to its CPU's ring.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/in.h>
#include <linux/kernel.h>
#include <linux/kprobes.h>
#include <linux/percpu.h>
#include <linux/ptrace.h>
#include <linux/rcupdate.h>
#include <linux/string.h>
#include <linux/tracepoint.h>
#include <net/inet_sock.h>
#include <net/inet_timewait_sock.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/request_sock.h>
#include <net/sock.h>
#include <net/tcp.h>
#include <net/tcp_states.h>

#include "compat_fhook.h"
#include "compat_reqsk.h"
#include "tcpstates.h"

/* Pernet storage (zeroed by the core before .init). */
struct tcps_trans_net {
	/* NULL before .init and from .pre_exit on: probes then skip */
	struct tcps_trans_store *counts;
	/* the counters between .pre_exit and .exit, to free */
	struct tcps_trans_store *dying;
};

static unsigned int tcps_trans_net_id __read_mostly;

/* A kernel state value as a slot: TCP_* for 1..12, else OTHER. */
static u8 tcps_trans_slot(int kstate)
{
	BUILD_BUG_ON(TCPS_TRANS_NEW_SYN_RECV != TCP_NEW_SYN_RECV);
	BUILD_BUG_ON(TCPS_TRANS_TW_FIN_WAIT2 <= TCP_NEW_SYN_RECV);

	if (kstate >= TCPS_STATE_FIRST && kstate <= TCP_NEW_SYN_RECV)
		return kstate;
	return TCPS_TRANS_OTHER;
}

/*
 * @net's counters, or NULL; in an RCU-sched read side (preemption off).
 *
 * net_generic() without its rcu_read_lock(): the caller's section is one
 * already.  NULL for a netns still being set up, before our .init ran.
 * And net_generic() trusts the id to fit the array, which holds for a
 * netns our registration extended; not for one already out of the netns
 * list, being dismantled while we registered (its sockets still close and
 * fire the probes), whose array may be shorter than our id.
 */
static struct tcps_trans_store *tcps_trans_store_of(const struct net *net)
{
	struct tcps_trans_net *tn;
	struct net_generic *gen;

	gen = rcu_dereference_sched(net->gen);
	tn = tcps_trans_net_id < READ_ONCE(gen->s.len) ?
	     gen->ptr[tcps_trans_net_id] : NULL;
	return likely(tn) ? READ_ONCE(tn->counts) : NULL;
}

/*
 * The one fast path of every hook.  @sk may be a full or a request
 * socket: only its sock_common part is read, and the caller gives the
 * local port (@sport, host order), which the two keep in different places.
 * Inlined: the tracepoint probe runs ten times per connection.
 */
static __always_inline void tcps_trans_record(const struct sock *sk,
					      u16 sport, u8 from, u8 to)
{
	struct tcps_trans_store *counts;

	/*
	 * Preemption off, as an RCU-sched read side: it is what keeps the
	 * netns's counters alive (.exit frees them after synchronize_rcu())
	 * and our CPU's ring ours.  Kprobes and, up to 6.x, tracepoint
	 * probes run so already; from 7.x a tracepoint probe runs under
	 * SRCU-fast and may be preempted, so every hook says it here.
	 */
	rcu_read_lock_sched_notrace();
	counts = tcps_trans_store_of(sock_net(sk));
	if (likely(counts)) {
		tcps_pairs_count(counts, from, to);
		tcps_ring_add(sk, sock_net(sk), sport, from, to);
	}
	rcu_read_unlock_sched_notrace();
}

/**
 * tcps_trans_bound - count a socket entering or leaving CLOSE while bound
 * @sk: a TCP full socket
 * @dir: in or out
 *
 * For kept.c's counts of the CLOSE rows; any context, as the probes.
 */
void tcps_trans_bound(const struct sock *sk, enum tcps_bound_dir dir)
{
	struct tcps_trans_store *counts;

	rcu_read_lock_sched_notrace();
	counts = tcps_trans_store_of(sock_net(sk));
	if (likely(counts))
		this_cpu_inc(counts->cpu->bound[dir]);
	rcu_read_unlock_sched_notrace();
}

/*
 * A full socket's local port: inet_sport, as the tracepoint's own output
 * shows it.  inet_num is already 0 when a socket unhashed on its way to
 * CLOSE has given its port back.
 */
static u16 tcps_trans_sport(const struct sock *sk)
{
	return ntohs(inet_sk(sk)->inet_sport);
}

/* ---- hook 1: the state-change tracepoint ---- */

#define TCPS_TP_NAME	"inet_sock_set_state"

static struct tracepoint *tcps_tp;
static int tcps_tp_err = -ENOENT;

/*
 * The probe's fast path, for log=0: one byte per pair of raw kernel
 * states, filled before the probe is registered.  The low bits are the
 * pair's counter (TCPS_TP_INDEX, as tcps_pair_index[] numbers it, plus
 * one), 0 for a pair counted elsewhere (an atomic of store->other, or a
 * state outside 1..15); TCPS_TP_CLOSE marks a pair into or out of CLOSE,
 * which a bound socket's row may follow (kept.c).
 */
#define TCPS_TP_STATES	16
#define TCPS_TP_CLOSE	0x80
#define TCPS_TP_INDEX	0x7f

static u8 tcps_tp_pair[TCPS_TP_STATES][TCPS_TP_STATES] __read_mostly;

static void tcps_tp_pairs_init(void)
{
	unsigned int from, to;

	BUILD_BUG_ON(TCPS_TRANS_PAIRS >= TCPS_TP_INDEX);
	BUILD_BUG_ON(TCP_MAX_STATES > TCPS_TP_STATES);
	for (from = 0; from < TCPS_TP_STATES; from++)
		for (to = 0; to < TCPS_TP_STATES; to++)
			tcps_tp_pair[from][to] =
				tcps_pair_index[tcps_trans_slot(from)]
					       [tcps_trans_slot(to)] |
				(from == TCP_CLOSE || to == TCP_CLOSE ?
				 TCPS_TP_CLOSE : 0);
}

/*
 * A socket only bound is a CLOSE row (kept.c).  The tracepoint fires
 * where the state is stored, after tcp_set_state() gave back a port it
 * does not keep: the bind table holds @sk now iff it will after.  Not for
 * a child's first change, still showing its listener's state and bind
 * bucket, copied (inet_csk_clone_lock()).
 */
static noinline void tcps_trans_state_bound(const struct sock *sk,
					    int oldstate, int newstate)
{
	if (!READ_ONCE(inet_csk(sk)->icsk_bind_hash) ||
	    (newstate == TCP_SYN_RECV && oldstate != TCP_SYN_SENT))
		return;
	if (oldstate == TCP_CLOSE)
		tcps_trans_bound(sk, TCPS_BOUND_OUT);
	if (newstate == TCP_CLOSE)
		tcps_trans_bound(sk, TCPS_BOUND_IN);
}

/* With the log on, or a pair without a per-CPU counter. */
static noinline void tcps_trans_state_slow(const struct sock *sk,
					   int oldstate, int newstate, u8 pair)
{
	tcps_trans_record(sk, tcps_trans_sport(sk), tcps_trans_slot(oldstate),
			  tcps_trans_slot(newstate));
	if (pair & TCPS_TP_CLOSE)
		tcps_trans_state_bound(sk, oldstate, newstate);
}

/*
 * Ten times per connection, so the log=0 path is the fewest instructions
 * that count a pair: a table byte, the netns's counters, one per-CPU
 * increment, and calls only where a bound socket's row may change.
 */
static void tcps_trans_state_probe(void *data, const struct sock *sk,
				   int oldstate, int newstate)
{
	struct tcps_trans_store *counts;
	u8 pair;

	/* DCCP, SCTP and MPTCP sockets fire it too. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	pair = (unsigned int)(oldstate | newstate) < TCPS_TP_STATES ?
	       tcps_tp_pair[oldstate][newstate] : 0;
	if (static_branch_likely(&tcps_ring_on) || !(pair & TCPS_TP_INDEX)) {
		tcps_trans_state_slow(sk, oldstate, newstate, pair);
		return;
	}
	/* As tcps_trans_record(): what keeps @counts alive. */
	rcu_read_lock_sched_notrace();
	counts = tcps_trans_store_of(sock_net(sk));
	if (likely(counts))
		this_cpu_inc(counts->cpu->n[(pair & TCPS_TP_INDEX) - 1]);
	rcu_read_unlock_sched_notrace();
	if (pair & TCPS_TP_CLOSE)
		tcps_trans_state_bound(sk, oldstate, newstate);
}

static void tcps_tp_match(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, TCPS_TP_NAME))
		*(struct tracepoint **)priv = tp;
}

static void tcps_tp_attach(void)
{
	struct tracepoint *tp = NULL;

	tcps_tp_pairs_init();
	for_each_kernel_tracepoint(tcps_tp_match, &tp);
	if (!tp) {
		tcps_tp_err = -ENOENT;
		return;
	}
	tcps_tp_err = tracepoint_probe_register(tp, tcps_trans_state_probe,
						NULL);
	if (!tcps_tp_err)
		tcps_tp = tp;
}

/* ---- hook 2: a full socket becoming a timewait socket ---- */

/*
 * Both take (tw, sk, hashinfo, ...), with @sk still intact and locked:
 * inet_twsk_hashdance() on 6.1, renamed inet_twsk_hashdance_schedule() by
 * 6.12.  Tried newest first, so no version test is needed.
 */
static const char *const tcps_tw_symbols[] = {
	"inet_twsk_hashdance_schedule",
	"inet_twsk_hashdance",
};

static const char *tcps_tw_attached;
static int tcps_tw_err;

/* (tw, sk, ...) */
static void tcps_trans_tw_enter(const unsigned long *args)
{
	const struct inet_timewait_sock *tw = (const void *)args[0];
	const struct sock *sk = (const void *)args[1];

	/* DCCP goes through here too. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	/* inet_twsk_alloc() set the substate before the hashdance. */
	tcps_trans_record(sk, tcps_trans_sport(sk),
			  tcps_trans_slot(READ_ONCE(sk->sk_state)),
			  READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
			  TCPS_TRANS_TW_FIN_WAIT2 : TCP_TIME_WAIT);
}

static struct tcps_fhook tcps_tw_hook = {
	.handler = tcps_trans_tw_enter, .nargs = 2,
};

static void tcps_tw_attach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcps_tw_symbols); i++) {
		tcps_tw_hook.symbol = tcps_tw_symbols[i];
		tcps_tw_err = tcps_fhook_attach(&tcps_tw_hook);
		if (!tcps_tw_err) {
			tcps_tw_attached = tcps_tw_symbols[i];
			return;
		}
		/* Only a missing symbol is worth trying the next name. */
		if (tcps_tw_err != -ENOENT && tcps_tw_err != -EINVAL)
			break;
	}
	pr_info("entering TIME_WAIT is not observed: error %d\n",
		tcps_tw_err);
}

/* ---- hook 3: a listener hashing a request socket ---- */

/*
 * tcp_conn_request() hashes a new request socket with
 * inet_csk_reqsk_queue_hash_add(), which can fail (a duplicate was hashed
 * first; the caller then frees it), and on success goes straight on to
 * send its first SYN-ACK, with a route: af_ops->send_synack(sk, dst, fl,
 * req, ...), tcp_v4_send_synack() or tcp_v6_send_synack().  That call is
 * the success: one entry hook, no return probe.  No other SYN-ACK is both
 * routed and of a hashed request: a retransmitted one has no route (@dst
 * NULL), and the requests of a syncookie or of fast open, sent with one,
 * are never hashed (sk_hashed() fails; a request starts unhashed).
 */
#define TCPS_SYNACK4_SYMBOL	"tcp_v4_send_synack"
#define TCPS_SYNACK6_SYMBOL	"tcp_v6_send_synack"

static int tcps_req_err;

/* (sk, dst, fl, req, ...): the listener, the route, the request */
static void tcps_trans_req_synack(const unsigned long *args)
{
	const struct sock *lsk = (const void *)args[0];
	struct request_sock *req = (void *)args[3];

	if (!args[1] || !req || !sk_hashed(req_to_sk(req)))
		return;
	/* A request socket keeps its local port in ir_num (sk_num). */
	tcps_trans_record(req_to_sk(req), req_to_sk(req)->sk_num,
			  tcps_trans_slot(READ_ONCE(lsk->sk_state)),
			  TCP_NEW_SYN_RECV);
}

static struct tcps_fhook tcps_req_hooks[] = {
	{ .symbol = TCPS_SYNACK4_SYMBOL, .handler = tcps_trans_req_synack,
	  .nargs = 4 },
	{ .symbol = TCPS_SYNACK6_SYMBOL, .handler = tcps_trans_req_synack,
	  .nargs = 4 },
};

static void tcps_req_detach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcps_req_hooks); i++)
		tcps_fhook_detach(&tcps_req_hooks[i]);
}

static void tcps_req_attach(void)
{
	unsigned int i;

	if (!tcps_send_synack_args_known()) {
		tcps_req_err = -EOPNOTSUPP;
		pr_info("new request sockets are not observed: the SYN-ACK senders' arguments are not known on this kernel\n");
		return;
	}
	/* Both or none: IPv4 only would miss IPv6 listeners' requests. */
	for (i = 0; i < ARRAY_SIZE(tcps_req_hooks); i++) {
		tcps_req_err = tcps_fhook_attach(&tcps_req_hooks[i]);
		if (tcps_req_err) {
			tcps_req_detach();
			pr_info("new request sockets are not observed: %s: error %d\n",
				tcps_req_hooks[i].symbol, tcps_req_err);
			return;
		}
	}
}

/* ---- hook 4: a timewait socket going from FIN_WAIT2 to TIME_WAIT ---- */

/*
 * tcp_timewait_state_process(tw, ...) handles every segment that reaches
 * a timewait socket.  The peer's FIN moves one in substate FIN_WAIT2 to
 * TIME_WAIT and then re-arms its timer: inet_twsk_reschedule(), that is
 * __inet_twsk_schedule(tw, timeo, true).  Its other calls there re-arm a
 * socket already in TIME_WAIT, which the substate cannot tell apart.  So
 * two entry hooks: the first notes, per CPU, the socket that arrived in
 * FIN_WAIT2; a re-arm of that same socket, now in TIME_WAIT, is the move.
 *
 * Why that is exact: both run in one BH-disabled section on one CPU
 * (segments reach timewait sockets from softirq, or with BH off; no other
 * segment can come between, PREEMPT_RT included), and the kernel re-arms
 * only in that function, whose entry always replaces the note: a note
 * left by a call that did not re-arm never matches a later re-arm.  A
 * timer's first arming (rearm false) is not one.  Two entry hooks cost
 * less than a return probe's trampoline (docs/benchmarks.md).
 */
#define TCPS_TWSUB_SYMBOL	"tcp_timewait_state_process"
#define TCPS_TWARM_SYMBOL	"__inet_twsk_schedule"

static DEFINE_PER_CPU(const struct inet_timewait_sock *, tcps_twsub_note);
static int tcps_twsub_err = -ENOENT;

static void tcps_trans_twsub_enter(const unsigned long *args)
{
	const struct inet_timewait_sock *tw = (const void *)args[0];
	const struct inet_timewait_sock *note;

	/* One variable: 6.1's this_cpu_write() takes a value, not a ?:. */
	note = READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ? tw : NULL;
	this_cpu_write(tcps_twsub_note, note);
}

static void tcps_trans_twsub_rearm(const unsigned long *args)
{
	const struct inet_timewait_sock *tw = (const void *)args[0];

	/* rearm: only the low byte of a bool argument is defined. */
	if (!(u8)args[2] || this_cpu_read(tcps_twsub_note) != tw)
		return;
	this_cpu_write(tcps_twsub_note, NULL);
	/*
	 * Timewait sockets take segments without a lock: two FINs on two
	 * CPUs at once could both see FIN_WAIT2 on entry and TIME_WAIT here.
	 * The kernel itself moves it twice then; it takes a peer sending
	 * its FIN twice within the same microseconds.
	 */
	if (READ_ONCE(tw->tw_substate) == TCP_TIME_WAIT)
		tcps_trans_record((const struct sock *)tw, tw->tw_num,
				  TCPS_TRANS_TW_FIN_WAIT2, TCP_TIME_WAIT);
}

static struct tcps_fhook tcps_twsub_hook = {
	.symbol = TCPS_TWSUB_SYMBOL, .handler = tcps_trans_twsub_enter,
	.nargs = 1,
};

static struct tcps_fhook tcps_twarm_hook = {
	.symbol = TCPS_TWARM_SYMBOL, .handler = tcps_trans_twsub_rearm,
	.nargs = 3,
};

/* Both or neither: the re-arm hook alone would never match. */
static int tcps_twsub_attach(void)
{
	int err;

	err = tcps_fhook_attach(&tcps_twarm_hook);
	if (err)
		return err;
	err = tcps_fhook_attach(&tcps_twsub_hook);
	if (err)
		tcps_fhook_detach(&tcps_twarm_hook);
	return err;
}

static void tcps_twsub_detach(void)
{
	tcps_fhook_detach(&tcps_twsub_hook);
	tcps_fhook_detach(&tcps_twarm_hook);
}

/* ---- hook 5: a timewait socket's end ---- */

/*
 * inet_twsk_kill(tw) unhashes a timewait socket, once per socket, from
 * its timer (expiry) or from inet_twsk_deschedule_put() (a reset, reuse
 * by a new connection, its netns going).  A static function: attached
 * where the kernel kept a symbol for it.
 */
#define TCPS_TWEND_SYMBOL	"inet_twsk_kill"

static int tcps_twend_err = -ENOENT;

/* (tw) */
static void tcps_trans_twend_enter(const unsigned long *args)
{
	const struct inet_timewait_sock *tw = (const void *)args[0];

	/* DCCP's timewait sockets end here too: "TCP" and "TCPv6" only. */
	if (strncmp(tw->tw_prot->name, "TCP", 3))
		return;
	tcps_trans_record((const struct sock *)tw, tw->tw_num,
			  READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
			  TCPS_TRANS_TW_FIN_WAIT2 : TCP_TIME_WAIT, TCP_CLOSE);
}

static struct tcps_fhook tcps_twend_hook = {
	.symbol = TCPS_TWEND_SYMBOL, .handler = tcps_trans_twend_enter,
	.nargs = 1,
};

/* ---- hook 6: a request socket's end ---- */

/*
 * A hashed request socket ends one of two ways.  It becomes a child:
 * inet_csk_complete_hashdance(sk, child, req, own_req) with own_req true
 * (the child took its place in ehash): NEW_SYN_RECV -> SYN_RECV.  Or it
 * is dropped (expired, reset, refused): __inet_csk_reqsk_queue_drop(sk,
 * req, from_timer) returning true (it unlinked it): NEW_SYN_RECV ->
 * CLOSE.  The static function, not its exported wrapper, which the
 * request timer does not go through.  Its bool return is 6.1's to 7.3's
 * (the series DKMS builds for).  The drop after a child took over
 * returns false and is not counted again.
 */
#define TCPS_REQCHILD_SYMBOL	"inet_csk_complete_hashdance"
#define TCPS_REQDROP_SYMBOL	"__inet_csk_reqsk_queue_drop"

static int tcps_reqchild_err = -ENOENT;
static struct kretprobe tcps_reqdrop_krp;
static int tcps_reqdrop_err = -ENOENT;

/* (sk, child, req, own_req) */
static void tcps_trans_reqchild(const unsigned long *args)
{
	const struct sock *child = (const void *)args[1];
	struct request_sock *req = (void *)args[2];

	/* own_req: only the low byte of a bool argument is defined. */
	if (!(u8)args[3] || child->sk_protocol != IPPROTO_TCP)
		return;
	tcps_trans_record(req_to_sk(req), req_to_sk(req)->sk_num,
			  TCP_NEW_SYN_RECV, TCP_SYN_RECV);
}

static struct tcps_fhook tcps_reqchild_hook = {
	.symbol = TCPS_REQCHILD_SYMBOL, .handler = tcps_trans_reqchild,
	.nargs = 4,
};

static int tcps_trans_reqdrop_entry(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	const struct sock *lsk = (const void *)regs_get_kernel_argument(regs, 0);

	if (lsk->sk_protocol != IPPROTO_TCP)
		return 1;
	*(struct request_sock **)ri->data =
		(void *)regs_get_kernel_argument(regs, 1);
	/* Unhashed for good (its child took its place): it returns false. */
	return !sk_hashed(req_to_sk(*(struct request_sock **)ri->data));
}

static int tcps_trans_reqdrop_return(struct kretprobe_instance *ri,
				     struct pt_regs *regs)
{
	struct request_sock *req = *(struct request_sock **)ri->data;

	/* True: unlinked now; the caller still holds its reference. */
	if ((u8)regs_return_value(regs))
		tcps_trans_record(req_to_sk(req), req_to_sk(req)->sk_num,
				  TCP_NEW_SYN_RECV, TCP_CLOSE);
	return 0;
}

static int tcps_kretprobe(struct kretprobe *krp, const char *symbol,
			  kretprobe_handler_t entry, kretprobe_handler_t ret)
{
	krp->kp.symbol_name = symbol;
	krp->entry_handler = entry;
	krp->handler = ret;
	krp->data_size = sizeof(void *);
	krp->maxactive = max_t(int, 32, 4 * num_possible_cpus());
	return register_kretprobe(krp);
}

static void tcps_ends_attach(void)
{
	tcps_twsub_err = tcps_twsub_attach();
	tcps_twend_err = tcps_fhook_attach(&tcps_twend_hook);
	/* The two ends of a request are counted together or not at all. */
	tcps_reqchild_err = tcps_fhook_attach(&tcps_reqchild_hook);
	if (!tcps_reqchild_err) {
		tcps_reqdrop_err = tcps_kretprobe(&tcps_reqdrop_krp,
						  TCPS_REQDROP_SYMBOL,
						  tcps_trans_reqdrop_entry,
						  tcps_trans_reqdrop_return);
		if (tcps_reqdrop_err) {
			tcps_fhook_detach(&tcps_reqchild_hook);
			tcps_reqchild_err = tcps_reqdrop_err;
		}
	} else {
		tcps_reqdrop_err = tcps_reqchild_err;
	}
	if (tcps_twsub_err || tcps_twend_err || tcps_reqdrop_err)
		pr_info("unobserved: tw-substate %d, tw-end %d, request-end %d\n",
			tcps_twsub_err, tcps_twend_err, tcps_reqdrop_err);
}

static void tcps_ends_detach(void)
{
	if (!tcps_reqdrop_err) {
		unregister_kretprobe(&tcps_reqdrop_krp);
		tcps_fhook_detach(&tcps_reqchild_hook);
	}
	tcps_fhook_detach(&tcps_twend_hook);
	if (!tcps_twsub_err)
		tcps_twsub_detach();
}

static unsigned long tcps_krp_missed(const struct kretprobe *krp, int err)
{
	return err ? 0 : READ_ONCE(krp->kp.nmissed) + READ_ONCE(krp->nmissed);
}

/**
 * tcps_trans_hooks - what each hook observes and whether it is attached
 * @hooks: TCPS_TRANS_HOOKS entries to fill
 */
void tcps_trans_hooks(struct tcps_trans_hook *hooks)
{
	hooks[0] = (struct tcps_trans_hook){
		.name = "state", .kind = "tracepoint",
		.target = "sock:" TCPS_TP_NAME, .err = tcps_tp_err,
	};
	hooks[1] = (struct tcps_trans_hook){
		.name = "timewait", .kind = TCPS_FHOOK_KIND,
		/* Not attached: every name of tcps_tw_symbols[] was tried. */
		.target = tcps_tw_attached ?:
			  "inet_twsk_hashdance_schedule|inet_twsk_hashdance",
		.err = tcps_tw_err,
		.missed = tcps_fhook_missed(&tcps_tw_hook),
	};
	hooks[2] = (struct tcps_trans_hook){
		.name = "request", .kind = TCPS_FHOOK_KIND,
		.target = TCPS_SYNACK4_SYMBOL "|" TCPS_SYNACK6_SYMBOL,
		.err = tcps_req_err,
		.missed = tcps_req_err ? 0 :
			  tcps_fhook_missed(&tcps_req_hooks[0]) +
			  tcps_fhook_missed(&tcps_req_hooks[1]),
	};
	hooks[3] = (struct tcps_trans_hook){
		.name = "tw-substate", .kind = TCPS_FHOOK_KIND,
		.target = TCPS_TWSUB_SYMBOL "+" TCPS_TWARM_SYMBOL,
		.err = tcps_twsub_err,
		.missed = tcps_twsub_err ? 0 :
			  tcps_fhook_missed(&tcps_twsub_hook) +
			  tcps_fhook_missed(&tcps_twarm_hook),
	};
	hooks[4] = (struct tcps_trans_hook){
		.name = "tw-end", .kind = TCPS_FHOOK_KIND,
		.target = TCPS_TWEND_SYMBOL, .err = tcps_twend_err,
		.missed = tcps_fhook_missed(&tcps_twend_hook),
	};
	hooks[5] = (struct tcps_trans_hook){
		.name = "request-end", .kind = TCPS_FHOOK_KIND "+kretprobe",
		.target = TCPS_REQCHILD_SYMBOL "+" TCPS_REQDROP_SYMBOL,
		.err = tcps_reqdrop_err,
		.missed = tcps_reqdrop_err ? 0 :
			  tcps_fhook_missed(&tcps_reqchild_hook) +
			  tcps_krp_missed(&tcps_reqdrop_krp, 0),
	};
}

/**
 * tcps_trans_counts - the from->to matrix of a netns
 * @net: the netns, pinned by the caller
 * @sum: filled with the counts summed over all CPUs
 *
 * Each CPU's counters are read while they move, so the sum is not one
 * instant's, but every count in it did happen.
 *
 * Return: 0, or -ENOENT for a netns without counters (being set up).
 */
int tcps_trans_counts(struct net *net, struct tcps_trans_matrix *sum)
{
	struct tcps_trans_net *tn = net_generic(net, tcps_trans_net_id);
	struct tcps_trans_store *counts;

	counts = tn ? READ_ONCE(tn->counts) : NULL;
	if (!counts)
		return -ENOENT;
	tcps_pairs_sum(counts, sum);
	return 0;
}

/* ---- pernet counters ---- */

static int __net_init tcps_trans_net_init(struct net *net)
{
	struct tcps_trans_net *tn = net_generic(net, tcps_trans_net_id);
	struct tcps_trans_store *counts;

	/* Charged to whoever makes the netns: any user, with a user ns. */
	counts = tcps_pairs_alloc(GFP_KERNEL_ACCOUNT);
	if (!counts)
		return -ENOMEM;
	/* A probe on another CPU may load it now: publish zeroed memory. */
	smp_store_release(&tn->counts, counts);
	return 0;
}

/*
 * The core calls synchronize_rcu() between .pre_exit and .exit, on netns
 * teardown and on unregister alike.  Probes read and use the counters
 * with preemption off (tcps_trans_record()), so none still uses them once
 * .exit frees them; probes on sockets that other subsystems close after
 * .pre_exit find NULL and skip.
 */
static void __net_exit tcps_trans_net_pre_exit(struct net *net)
{
	struct tcps_trans_net *tn = net_generic(net, tcps_trans_net_id);

	tn->dying = tn->counts;
	WRITE_ONCE(tn->counts, NULL);
}

static void __net_exit tcps_trans_net_exit(struct net *net)
{
	struct tcps_trans_net *tn = net_generic(net, tcps_trans_net_id);

	tcps_pairs_free(tn->dying);
	tn->dying = NULL;
}

static struct pernet_operations tcps_trans_net_ops = {
	.init		= tcps_trans_net_init,
	.pre_exit	= tcps_trans_net_pre_exit,
	.exit		= tcps_trans_net_exit,
	.id		= &tcps_trans_net_id,
	.size		= sizeof(struct tcps_trans_net),
};

/*
 * Detach every attached hook, then wait for probes still running on other
 * CPUs: none may touch the counters, the rings or this module's text once
 * this returns.
 */
static void tcps_trans_exit_hooks(void)
{
	tcps_ends_detach();
	if (!tcps_req_err)
		tcps_req_detach();
	tcps_fhook_detach(&tcps_tw_hook);
	if (tcps_tp) {
		tracepoint_probe_unregister(tcps_tp, tcps_trans_state_probe,
					    NULL);
		tcps_tp = NULL;
	}
	tracepoint_synchronize_unregister();
}

/**
 * tcps_trans_init - counters, rings, hooks, then the proc files
 *
 * The hooks come after the storage they write to, the files last.  A
 * missing hook is not an error: the files say what is unobserved.
 *
 * Return: 0 or a negative errno, with nothing left set up.
 */
int tcps_trans_init(void)
{
	int err;

	tcps_pairs_init();
	err = register_pernet_subsys(&tcps_trans_net_ops);
	if (err)
		return err;
	err = tcps_ring_init();
	if (err)
		goto out_pernet;

	tcps_tp_attach();
	if (tcps_tp_err)
		pr_warn("tracepoint %s: error %d, no state change is observed\n",
			TCPS_TP_NAME, tcps_tp_err);
	tcps_tw_attach();
	tcps_req_attach();
	tcps_ends_attach();

	err = tcps_kept_init();
	if (err)
		goto out_hooks;
	err = tcps_trans_proc_init();
	if (err)
		goto out_kept;
	return 0;

out_kept:
	tcps_kept_exit();
out_hooks:
	tcps_trans_exit_hooks();
	tcps_ring_exit();
out_pernet:
	unregister_pernet_subsys(&tcps_trans_net_ops);
	return err;
}

/**
 * tcps_trans_exit - undo tcps_trans_init(), files first, counters last
 */
void tcps_trans_exit(void)
{
	tcps_trans_proc_exit();
	tcps_kept_exit();
	tcps_trans_exit_hooks();
	tcps_ring_exit();
	unregister_pernet_subsys(&tcps_trans_net_ops);
}
