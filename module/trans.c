// SPDX-License-Identifier: GPL-2.0
/*
 * State transitions: the probes, and the per-netns from->to matrix.
 *
 * Three hooks see TCP change state:
 *  - the tracepoint sock:inet_sock_set_state, for every change of a full
 *    socket's sk_state (not exported: found by name);
 *  - a kprobe where a full socket is replaced by a timewait socket, which
 *    the tracepoint never reports (it shows the full socket going to
 *    CLOSE right after);
 *  - a kretprobe where a listener hashes a request socket, which has no
 *    tracepoint at all; a return probe, because the hashing can fail.
 * A kernel without kprobes (or with the functions renamed) keeps the first
 * hook only, and the proc file says which changes go unobserved.
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
 * The one fast path of all three hooks.  @sk may be a full or a request
 * socket: only its sock_common part is read, and the caller gives the
 * local port (@sport, host order), which the two keep in different places.
 */
static void tcps_trans_record(const struct sock *sk, u16 sport, u8 from,
			      u8 to)
{
	struct net *net = sock_net(sk);
	struct tcps_trans_store *counts;
	struct tcps_trans_net *tn;
	struct net_generic *gen;

	/*
	 * Preemption off, as an RCU-sched read side: it is what keeps the
	 * netns's counters alive (.exit frees them after synchronize_rcu())
	 * and our CPU's ring ours.  Kprobes and, up to 6.x, tracepoint
	 * probes run so already; from 7.x a tracepoint probe runs under
	 * SRCU-fast and may be preempted, so every hook says it here.
	 */
	rcu_read_lock_sched_notrace();
	/*
	 * net_generic() without its rcu_read_lock(): the section above is
	 * one already.  NULL for a netns still being set up, before our
	 * .init ran.  And net_generic() trusts the id to fit the array,
	 * which holds for a netns our registration extended; not for one
	 * already out of the netns list, being dismantled while we
	 * registered (its sockets still close and fire the probes), whose
	 * array may be shorter than our id.
	 */
	gen = rcu_dereference_sched(net->gen);
	tn = tcps_trans_net_id < READ_ONCE(gen->s.len) ?
	     gen->ptr[tcps_trans_net_id] : NULL;
	counts = likely(tn) ? READ_ONCE(tn->counts) : NULL;
	if (likely(counts)) {
		tcps_pairs_count(counts, from, to);
		tcps_ring_add(sk, net, sport, from, to);
	}
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

static void tcps_trans_state_probe(void *data, const struct sock *sk,
				   int oldstate, int newstate)
{
	/* DCCP, SCTP and MPTCP sockets fire it too. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return;
	tcps_trans_record(sk, tcps_trans_sport(sk), tcps_trans_slot(oldstate),
			  tcps_trans_slot(newstate));
}

static void tcps_tp_match(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, TCPS_TP_NAME))
		*(struct tracepoint **)priv = tp;
}

static void tcps_tp_attach(void)
{
	struct tracepoint *tp = NULL;

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

static struct kprobe tcps_tw_kp;
static const char *tcps_tw_attached;
static int tcps_tw_err;

static int tcps_trans_tw_probe(struct kprobe *kp, struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw;
	const struct sock *sk;

	tw = (const void *)regs_get_kernel_argument(regs, 0);
	sk = (const void *)regs_get_kernel_argument(regs, 1);
	/* DCCP goes through here too. */
	if (sk->sk_protocol != IPPROTO_TCP)
		return 0;
	/* inet_twsk_alloc() set the substate before the hashdance. */
	tcps_trans_record(sk, tcps_trans_sport(sk),
			  tcps_trans_slot(READ_ONCE(sk->sk_state)),
			  READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
			  TCPS_TRANS_TW_FIN_WAIT2 : TCP_TIME_WAIT);
	return 0;
}

static void tcps_tw_attach(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(tcps_tw_symbols); i++) {
		/* A failed registration may leave fields set: start afresh. */
		memset(&tcps_tw_kp, 0, sizeof(tcps_tw_kp));
		tcps_tw_kp.symbol_name = tcps_tw_symbols[i];
		tcps_tw_kp.pre_handler = tcps_trans_tw_probe;
		tcps_tw_err = register_kprobe(&tcps_tw_kp);
		if (!tcps_tw_err) {
			tcps_tw_attached = tcps_tw_symbols[i];
			return;
		}
		/* Only a missing symbol is worth trying the next name. */
		if (tcps_tw_err != -ENOENT && tcps_tw_err != -EINVAL)
			break;
	}
	pr_info("entering TIME_WAIT is not observed: kprobe: error %d\n",
		tcps_tw_err);
}

/* ---- hook 3: a listener hashing a request socket ---- */

#define TCPS_REQ_SYMBOL	"inet_csk_reqsk_queue_hash_add"

/* Carried from entry to return of one call. */
struct tcps_req_call {
	struct request_sock *req;
	u8 from;		/* the listener's state at entry */
};

static struct kretprobe tcps_req_krp;
static int tcps_req_err;

/* bool inet_csk_reqsk_queue_hash_add(sk, req, timeout) on 6.1 and 6.12. */
static int tcps_trans_req_entry(struct kretprobe_instance *ri,
				struct pt_regs *regs)
{
	const struct sock *lsk = (const void *)regs_get_kernel_argument(regs, 0);
	struct tcps_req_call *call = (void *)ri->data;

	/* Non-zero: no return handler for this call (a DCCP listener). */
	if (lsk->sk_protocol != IPPROTO_TCP)
		return 1;
	call->req = (void *)regs_get_kernel_argument(regs, 1);
	call->from = tcps_trans_slot(READ_ONCE(lsk->sk_state));
	return 0;
}

static int tcps_trans_req_return(struct kretprobe_instance *ri,
				 struct pt_regs *regs)
{
	const struct tcps_req_call *call = (const void *)ri->data;

	/*
	 * False: a duplicate was hashed first and the caller frees @req.
	 * Only the low byte of a bool return value is defined.  On true the
	 * caller still holds its reference to @req, so it is alive here.
	 */
	if (!(u8)regs_return_value(regs))
		return 0;
	/* A request socket keeps its local port in ir_num (sk_num). */
	tcps_trans_record(req_to_sk(call->req), req_to_sk(call->req)->sk_num,
			  call->from, TCP_NEW_SYN_RECV);
	return 0;
}

static void tcps_req_attach(void)
{
	/*
	 * The return handler reads the return value as a bool: attach only
	 * where the kernel's prototype says it is one (compat_reqsk.h),
	 * never count what a void function left in a register.
	 */
	if (!tcps_reqsk_hash_add_returns_bool()) {
		tcps_req_err = -EOPNOTSUPP;
		pr_info("new request sockets are not observed: " TCPS_REQ_SYMBOL
			"() does not return bool on this kernel\n");
		return;
	}
	tcps_req_krp.kp.symbol_name = TCPS_REQ_SYMBOL;
	tcps_req_krp.entry_handler = tcps_trans_req_entry;
	tcps_req_krp.handler = tcps_trans_req_return;
	tcps_req_krp.data_size = sizeof(struct tcps_req_call);
	/*
	 * Calls in flight at once: SYNs being handled on every CPU, one
	 * nested in softirq.  Beyond that a call is counted in nmissed.
	 */
	tcps_req_krp.maxactive = max_t(int, 32, 4 * num_possible_cpus());
	tcps_req_err = register_kretprobe(&tcps_req_krp);
	if (tcps_req_err)
		pr_info("new request sockets are not observed: kretprobe: error %d\n",
			tcps_req_err);
}

/* ---- hook 4: a timewait socket going from FIN_WAIT2 to TIME_WAIT ---- */

/*
 * tcp_timewait_state_process(tw, skb, th, ...) handles every segment that
 * reaches a timewait socket; the peer's FIN moves one in substate
 * FIN_WAIT2 to TIME_WAIT.  A return probe, as the change happens inside.
 * The function consumes its caller's reference on some paths, so the
 * return handler reads @tw only on the path that keeps it.
 */
#define TCPS_TWSUB_SYMBOL	"tcp_timewait_state_process"

static struct kretprobe tcps_twsub_krp;
static int tcps_twsub_err = -ENOENT;

static int tcps_trans_twsub_entry(struct kretprobe_instance *ri,
				  struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw;

	tw = (const void *)regs_get_kernel_argument(regs, 0);
	/* Only one in FIN_WAIT2 can move: no return handler otherwise. */
	if (READ_ONCE(tw->tw_substate) != TCP_FIN_WAIT2)
		return 1;
	*(const struct inet_timewait_sock **)ri->data = tw;
	return 0;
}

static int tcps_trans_twsub_return(struct kretprobe_instance *ri,
				   struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw;

	/*
	 * The FIN that moves it returns TCP_TW_ACK, with the caller's
	 * reference still held.  Every path returning TCP_TW_SUCCESS may
	 * have dropped that reference: @tw must not be read then.
	 */
	if (regs_return_value(regs) != TCP_TW_ACK)
		return 0;
	/*
	 * Timewait sockets take segments without a lock: two FINs on two
	 * CPUs at once could both see FIN_WAIT2 on entry and TIME_WAIT here.
	 * The kernel itself moves it twice then; it takes a peer sending
	 * its FIN twice within the same microseconds.
	 */
	tw = *(const struct inet_timewait_sock **)ri->data;
	if (READ_ONCE(tw->tw_substate) == TCP_TIME_WAIT)
		tcps_trans_record((const struct sock *)tw, tw->tw_num,
				  TCPS_TRANS_TW_FIN_WAIT2, TCP_TIME_WAIT);
	return 0;
}

/* ---- hook 5: a timewait socket's end ---- */

/*
 * inet_twsk_kill(tw) unhashes a timewait socket, once per socket, from
 * its timer (expiry) or from inet_twsk_deschedule_put() (a reset, reuse
 * by a new connection, its netns going).  A static function: attached
 * where the kernel kept a symbol for it.
 */
#define TCPS_TWEND_SYMBOL	"inet_twsk_kill"

static struct kprobe tcps_twend_kp;
static int tcps_twend_err = -ENOENT;

static int tcps_trans_twend_probe(struct kprobe *kp, struct pt_regs *regs)
{
	const struct inet_timewait_sock *tw;

	tw = (const void *)regs_get_kernel_argument(regs, 0);
	/* DCCP's timewait sockets end here too: "TCP" and "TCPv6" only. */
	if (strncmp(tw->tw_prot->name, "TCP", 3))
		return 0;
	tcps_trans_record((const struct sock *)tw, tw->tw_num,
			  READ_ONCE(tw->tw_substate) == TCP_FIN_WAIT2 ?
			  TCPS_TRANS_TW_FIN_WAIT2 : TCP_TIME_WAIT, TCP_CLOSE);
	return 0;
}

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

static struct kprobe tcps_reqchild_kp;
static int tcps_reqchild_err = -ENOENT;
static struct kretprobe tcps_reqdrop_krp;
static int tcps_reqdrop_err = -ENOENT;

static int tcps_trans_reqchild_probe(struct kprobe *kp, struct pt_regs *regs)
{
	const struct sock *child = (const void *)regs_get_kernel_argument(regs, 1);
	struct request_sock *req;

	/* own_req: only the low byte of a bool argument is defined. */
	if (!(u8)regs_get_kernel_argument(regs, 3) ||
	    child->sk_protocol != IPPROTO_TCP)
		return 0;
	req = (void *)regs_get_kernel_argument(regs, 2);
	tcps_trans_record(req_to_sk(req), req_to_sk(req)->sk_num,
			  TCP_NEW_SYN_RECV, TCP_SYN_RECV);
	return 0;
}

static int tcps_trans_reqdrop_entry(struct kretprobe_instance *ri,
				    struct pt_regs *regs)
{
	const struct sock *lsk = (const void *)regs_get_kernel_argument(regs, 0);

	if (lsk->sk_protocol != IPPROTO_TCP)
		return 1;
	*(struct request_sock **)ri->data =
		(void *)regs_get_kernel_argument(regs, 1);
	return 0;
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
	tcps_twsub_err = tcps_kretprobe(&tcps_twsub_krp, TCPS_TWSUB_SYMBOL,
					tcps_trans_twsub_entry,
					tcps_trans_twsub_return);
	tcps_twend_kp.symbol_name = TCPS_TWEND_SYMBOL;
	tcps_twend_kp.pre_handler = tcps_trans_twend_probe;
	tcps_twend_err = register_kprobe(&tcps_twend_kp);
	/* The two ends of a request are counted together or not at all. */
	tcps_reqchild_kp.symbol_name = TCPS_REQCHILD_SYMBOL;
	tcps_reqchild_kp.pre_handler = tcps_trans_reqchild_probe;
	tcps_reqchild_err = register_kprobe(&tcps_reqchild_kp);
	if (!tcps_reqchild_err) {
		tcps_reqdrop_err = tcps_kretprobe(&tcps_reqdrop_krp,
						  TCPS_REQDROP_SYMBOL,
						  tcps_trans_reqdrop_entry,
						  tcps_trans_reqdrop_return);
		if (tcps_reqdrop_err) {
			unregister_kprobe(&tcps_reqchild_kp);
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
		unregister_kprobe(&tcps_reqchild_kp);
	}
	if (!tcps_twend_err)
		unregister_kprobe(&tcps_twend_kp);
	if (!tcps_twsub_err)
		unregister_kretprobe(&tcps_twsub_krp);
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
		.name = "timewait", .kind = "kprobe",
		/* Not attached: every name of tcps_tw_symbols[] was tried. */
		.target = tcps_tw_attached ?:
			  "inet_twsk_hashdance_schedule|inet_twsk_hashdance",
		.err = tcps_tw_err,
		.missed = tcps_tw_err ? 0 : READ_ONCE(tcps_tw_kp.nmissed),
	};
	hooks[2] = (struct tcps_trans_hook){
		.name = "request", .kind = "kretprobe",
		.target = TCPS_REQ_SYMBOL, .err = tcps_req_err,
		/* Recursion (kp) and no free instance (maxactive) */
		.missed = tcps_req_err ? 0 :
			  READ_ONCE(tcps_req_krp.kp.nmissed) +
			  READ_ONCE(tcps_req_krp.nmissed),
	};
	hooks[3] = (struct tcps_trans_hook){
		.name = "tw-substate", .kind = "kretprobe",
		.target = TCPS_TWSUB_SYMBOL, .err = tcps_twsub_err,
		.missed = tcps_krp_missed(&tcps_twsub_krp, tcps_twsub_err),
	};
	hooks[4] = (struct tcps_trans_hook){
		.name = "tw-end", .kind = "kprobe",
		.target = TCPS_TWEND_SYMBOL, .err = tcps_twend_err,
		.missed = tcps_twend_err ? 0 : READ_ONCE(tcps_twend_kp.nmissed),
	};
	hooks[5] = (struct tcps_trans_hook){
		.name = "request-end", .kind = "kprobe+kretprobe",
		.target = TCPS_REQCHILD_SYMBOL "+" TCPS_REQDROP_SYMBOL,
		.err = tcps_reqdrop_err,
		.missed = tcps_reqdrop_err ? 0 :
			  READ_ONCE(tcps_reqchild_kp.nmissed) +
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
		unregister_kretprobe(&tcps_req_krp);
	if (!tcps_tw_err)
		unregister_kprobe(&tcps_tw_kp);
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
 * missing kprobe is not an error: the files say what is unobserved.
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

	err = tcps_trans_proc_init();
	if (err)
		goto out_hooks;
	return 0;

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
	tcps_trans_exit_hooks();
	tcps_ring_exit();
	unregister_pernet_subsys(&tcps_trans_net_ops);
}
