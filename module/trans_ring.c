// SPDX-License-Identifier: GPL-2.0
/*
 * The log of recent transitions: one ring per CPU, written by the probes
 * without a lock or a shared atomic, read by anyone without stopping them.
 *
 * A writer owns its CPU's ring and writes a slot with interrupts off, so
 * no other writer runs on that CPU meanwhile: not a softirq, which could
 * otherwise add a ring's worth of transitions (a whole NAPI poll) and land
 * on the slot being written.  It marks the slot odd, fills it, marks it
 * even.  A reader copies a slot between two reads of its sequence and
 * drops the copy if it changed or was odd: it may miss an entry being
 * overwritten, never shows a torn one, and never makes a writer wait.
 *
 * A reader following the log sleeps on tcps_ring_wait (in a read, or
 * registered there by poll()).  A writer may run where waking it is not
 * allowed (a kprobe hit through int3 runs as an NMI), so it only queues
 * an irq_work, and only while someone sleeps there: holding a file open
 * costs the writers nothing.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpumask.h>
#include <linux/errno.h>
#include <linux/irq_work.h>
#include <linux/jump_label.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sock_diag.h>
#include <linux/timekeeping.h>
#include <linux/wait.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "sock_addrs.h"
#include "tcpstates.h"

static unsigned int tcps_ring_size = TCPS_RING_DEFAULT;

static int tcps_ring_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int n;

	if (kstrtouint(val, 0, &n) || n < TCPS_RING_MIN || n > TCPS_RING_MAX ||
	    !is_power_of_2(n)) {
		pr_err("trans_ring_size=%s: must be a power of two from %u to %u (entries per CPU)\n",
		       val, TCPS_RING_MIN, TCPS_RING_MAX);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = n;
	return 0;
}

static const struct kernel_param_ops tcps_ring_size_ops = {
	.set	= tcps_ring_size_set,
	.get	= param_get_uint,
};

/* Read-only once loaded: the rings are sized at load. */
module_param_cb(trans_ring_size, &tcps_ring_size_ops, &tcps_ring_size, 0444);
MODULE_PARM_DESC(trans_ring_size,
		 "Transitions kept per CPU for /proc/tcpstates_transitions_log: a power of two, 16..65536 (default 1024)");

/*
 * log=0 leaves the rings unallocated and the probes without a call to
 * tcps_ring_log(): the matrix counts on, at no cost of the log's.  Read
 * only once loaded: switching it at run time would have to wait out the
 * probes and the readers (which sleep inside a read) before freeing the
 * rings, for a saving a reload gives as well.
 */
static unsigned int tcps_log = 1;

DEFINE_STATIC_KEY_TRUE(tcps_ring_on);

static int tcps_log_set(const char *val, const struct kernel_param *kp)
{
	unsigned int on;

	if (kstrtouint(val, 0, &on) || on > 1) {
		pr_err("log=%s: must be 1 (log transitions, the default) or 0 (count them only)\n",
		       val);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = on;
	return 0;
}

static const struct kernel_param_ops tcps_log_ops = {
	.set	= tcps_log_set,
	.get	= param_get_uint,
};

module_param_cb(log, &tcps_log_ops, &tcps_log, 0444);
MODULE_PARM_DESC(log,
		 "1: keep the latest transitions for /proc/tcpstates_transitions_log (default); 0: count them only, the log files then fail with ENODATA");

/**
 * tcps_ring_enabled - whether the module was loaded with the log on
 *
 * Return: false with log=0: no ring exists, and no reader may look.
 */
bool tcps_ring_enabled(void)
{
	return tcps_log;
}

struct tcps_ring {
	unsigned long head;	/* transitions ever added on this CPU */
	unsigned long mask;	/* slots - 1 */
	struct tcps_trans_entry slot[] ____cacheline_aligned;
};

static DEFINE_PER_CPU(struct tcps_ring *, tcps_rings);

/* Followers waiting for an entry. */
static DECLARE_WAIT_QUEUE_HEAD(tcps_ring_wait);
/* Set before the files go: sleeping readers return, none sleeps again. */
static bool tcps_ring_closing;

static void tcps_ring_wake(struct irq_work *work)
{
	wake_up_interruptible_all(&tcps_ring_wait);
}

static struct irq_work tcps_ring_wake_work;

/**
 * tcps_ring_log - log a transition on this CPU (tcps_ring_add(): if on)
 * @sk: the socket; only its sock_common part is read
 * @net: its netns
 * @sport: its local port, host order
 * @from: slot of the old state
 * @to: slot of the new state
 *
 * Context: preemption disabled (every probe runs so), possibly NMI (a
 * kprobe hit through int3).
 */
void tcps_ring_log(const struct sock *sk, const struct net *net, u16 sport,
		   u8 from, u8 to)
{
	struct tcps_trans_entry *e;
	struct tcps_ring *ring;
	unsigned long flags;
	u32 cookie[2];
	u32 seq;

	/*
	 * The socket's cookie, made now if it has none (an atomic on the
	 * socket, NMI-safe): the id inet_diag and ss -e show, and SO_COOKIE
	 * gives its owner.  A timewait socket inherits its full socket's, a
	 * child its request socket's.  Up to 6.x a child enters SYN_RECV
	 * as a bare copy of its listener (no peer port yet), before it gets
	 * its cookie: 0, "not known yet", rather than the listener's.
	 */
	if (from == TCP_LISTEN && to == TCP_SYN_RECV && !sk->sk_dport)
		memset(cookie, 0, sizeof(cookie));
	else
		sock_diag_save_cookie((struct sock *)sk, cookie);

	/* A few cycles; irqs off is the only exclusion a probe can afford. */
	local_irq_save(flags);
	ring = this_cpu_read(tcps_rings);
	e = &ring->slot[ring->head & ring->mask];
	/* The readers' bound: see tcps_ring_snapshot(). */
	WRITE_ONCE(ring->head, ring->head + 1);
	seq = e->seq + 1;
	WRITE_ONCE(e->seq, seq);
	/*
	 * Odd before any field changes: a reader that copies a new field
	 * then sees the sequence moved (the smp_rmb() before its recheck).
	 */
	smp_wmb();

	/*
	 * CLOCK_MONOTONIC, global (unlike local_clock(), so entries of all
	 * CPUs order), and NMI-safe: a kprobe hit through int3 runs in NMI
	 * context, where ktime_get_ns() could spin on the timekeeping
	 * seqcount that the interrupted code holds.
	 */
	e->time_ns = ktime_get_mono_fast_ns();
	e->netns_inum = net->ns.inum;
	e->netns_cookie = net->net_cookie;
	e->cookie = (u64)cookie[1] << 32 | cookie[0];
	e->family = tcps_sock_addrs(sk, &e->saddr, &e->daddr);
	e->sport = sport;
	e->dport = ntohs(sk->sk_dport);
	e->from = from;
	e->to = to;

	/*
	 * Fields before the even value: a reader that sees it copies these
	 * (the smp_rmb() after its first read).
	 */
	smp_wmb();
	WRITE_ONCE(e->seq, seq + 1);
	local_irq_restore(flags);

	/*
	 * The entry before the look at the queue (a full barrier in
	 * wq_has_sleeper()), as a follower queues itself before it looks
	 * for entries: one of the two sees the other.
	 */
	if (wq_has_sleeper(&tcps_ring_wait))
		irq_work_queue(&tcps_ring_wake_work);
}

/*
 * Copy the entry of index @idx from its slot; false if the slot does not
 * hold it (not written yet, being written, or already overwritten by a
 * newer one) or it changed meanwhile.  Writers add 2 to a slot's sequence
 * per entry, so the entry of index @idx leaves it at 2 * (idx / size + 1).
 */
static bool tcps_ring_read(const struct tcps_ring *ring, unsigned long idx,
			   struct tcps_trans_entry *out)
{
	const struct tcps_trans_entry *e = &ring->slot[idx & ring->mask];
	u32 want = 2 * (u32)(idx / (ring->mask + 1)) + 2;

	if (READ_ONCE(e->seq) != want)
		return false;
	smp_rmb();	/* fields after the sequence: see tcps_ring_add() */
	/* Racy on purpose: a torn copy fails the recheck below. */
	memcpy(out, e, sizeof(*out));
	smp_rmb();	/* the recheck after the fields */
	return READ_ONCE(e->seq) == want;
}

/*
 * Oldest first.  Equal times (a coarse clock) keep the order of one
 * CPU's ring, whose index the reader left in @seq.
 */
static int tcps_entry_cmp(const void *a, const void *b)
{
	const struct tcps_trans_entry *x = a, *y = b;

	if (x->time_ns != y->time_ns)
		return x->time_ns < y->time_ns ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return 0;
}

/*
 * Merge the sorted @a and @b into @dst, keeping the @cap newest entries.
 * Return: the number kept.
 */
static unsigned int tcps_ring_merge(struct tcps_trans_entry *dst,
				    const struct tcps_trans_entry *a,
				    unsigned int na,
				    const struct tcps_trans_entry *b,
				    unsigned int nb, unsigned int cap)
{
	unsigned int n = min(na + nb, cap), i = n;

	/* From the newest end, so what falls off is the oldest. */
	while (i) {
		if (nb && (!na || tcps_entry_cmp(&a[na - 1], &b[nb - 1]) < 0))
			dst[--i] = b[--nb];
		else
			dst[--i] = a[--na];
	}
	return n;
}

/* The index of the oldest entry @ring still holds, @head its next. */
static unsigned long tcps_ring_oldest(const struct tcps_ring *ring,
				      unsigned long head)
{
	return head > ring->mask + 1 ? head - ring->mask - 1 : 0;
}

/*
 * Take @netns_cookie's entries from every CPU's ring into log->entries,
 * oldest first: from log->heads[cpu] on (the last trans_ring_size
 * entries without @follow), up to the ring's head, which becomes the new
 * log->heads[cpu].  Entries overwritten before they could be taken are
 * added to log->lost (their netns is unknown: any netns's count).  At
 * most trans_ring_size entries are kept, the newest; with @follow those
 * dropped count as lost too.
 */
static int tcps_ring_take(struct tcps_trans_log *log, u64 netns_cookie,
			  bool follow)
{
	unsigned int size = tcps_ring_size, n = 0, total = 0, ncpu, cpu;
	struct tcps_trans_entry *out, *cpu_buf, *merged, *keep;
	int err = -ENOMEM;

	/*
	 * Any user may open the log, as often as their file limit allows:
	 * charge what it takes to their memory cgroup, and fail with ENOMEM
	 * at its limit rather than wake its OOM killer (RETRY_MAYFAIL).
	 */
	out = kvmalloc_array(size, sizeof(*out), TCPS_GFP_READER);
	cpu_buf = kvmalloc_array(size, sizeof(*cpu_buf), TCPS_GFP_READER);
	merged = kvmalloc_array(size, sizeof(*merged), TCPS_GFP_READER);
	if (!out || !cpu_buf || !merged)
		goto out_free;

	for_each_possible_cpu(cpu) {
		const struct tcps_ring *ring = per_cpu(tcps_rings, cpu);
		unsigned long head = READ_ONCE(ring->head), idx, first;

		ncpu = 0;
		first = tcps_ring_oldest(ring, head);
		if (follow && log->heads[cpu] > first)
			first = log->heads[cpu];
		else if (follow)
			log->lost += first - log->heads[cpu];
		/* Oldest first. */
		for (idx = first; idx < head; idx++) {
			struct tcps_trans_entry *e = &cpu_buf[ncpu];

			if (!tcps_ring_read(ring, idx, e)) {
				/* Overwritten under us; not this slot's reuse. */
				log->lost += follow;
				continue;
			}
			if (e->netns_cookie != netns_cookie)
				continue;
			e->seq = idx;	/* a tie-break, see tcps_entry_cmp() */
			/*
			 * In index order, which is this CPU's true order; the
			 * fast clock may step back by a little across a
			 * timekeeping update, so keep the times monotonic for
			 * the merge (and for readers) by clamping.
			 */
			if (ncpu && e->time_ns < cpu_buf[ncpu - 1].time_ns)
				e->time_ns = cpu_buf[ncpu - 1].time_ns;
			ncpu++;
		}
		log->heads[cpu] = head;
		total += ncpu;
		n = tcps_ring_merge(merged, out, n, cpu_buf, ncpu, size);
		swap(out, merged);
		cond_resched();
	}
	if (follow)
		log->lost += total - n;
	/* An open file keeps only what it shows (maybe nothing). */
	keep = kvmalloc_array(max(n, 1U), sizeof(*out), TCPS_GFP_READER);
	if (!keep) {
		/* Taken from the rings and not shown: lost, and said so. */
		log->lost += follow ? n : 0;
		goto out_free;
	}
	memcpy(keep, out, n * sizeof(*out));
	kvfree(log->entries);
	log->entries = keep;
	log->n = n;
	err = 0;
out_free:
	kvfree(merged);
	kvfree(cpu_buf);
	kvfree(out);
	return err;
}

/**
 * tcps_ring_snapshot - a netns's latest transitions, oldest first
 * @log: filled; free with tcps_ring_snapshot_free()
 * @netns_cookie: the netns
 *
 * At most trans_ring_size entries: every CPU keeps that many of all
 * namespaces, so the newest that many of one namespace are all still in
 * some ring (unless other namespaces pushed them out).
 *
 * Context: process; never waits for a writer.
 * Return: 0 or -ENOMEM.
 */
int tcps_ring_snapshot(struct tcps_trans_log *log, u64 netns_cookie)
{
	int err;

	memset(log, 0, sizeof(*log));
	log->heads = kvcalloc(nr_cpu_ids, sizeof(*log->heads), TCPS_GFP_READER);
	if (!log->heads)
		return -ENOMEM;
	err = tcps_ring_take(log, netns_cookie, false);
	if (err)
		tcps_ring_snapshot_free(log);
	return err;
}

/**
 * tcps_ring_follow - replace @log's entries by those logged since
 * @log: a snapshot
 * @netns_cookie: its netns
 *
 * Entries overwritten since the last take are added to @log->lost.
 * Context: process.  Return: 0 or -ENOMEM (@log then unchanged but for
 * heads it may have moved: the entries between are counted lost).
 */
int tcps_ring_follow(struct tcps_trans_log *log, u64 netns_cookie)
{
	return tcps_ring_take(log, netns_cookie, true);
}

/**
 * tcps_ring_pending - whether tcps_ring_follow() would find an entry
 * @log: a snapshot
 * @netns_cookie: its netns
 *
 * Context: any but NMI; reads the rings without changing anything.
 */
bool tcps_ring_pending(const struct tcps_trans_log *log, u64 netns_cookie)
{
	struct tcps_trans_entry e;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		const struct tcps_ring *ring = per_cpu(tcps_rings, cpu);
		unsigned long head = READ_ONCE(ring->head), idx;

		idx = tcps_ring_oldest(ring, head);
		if (idx < log->heads[cpu])
			idx = log->heads[cpu];
		else if (idx > log->heads[cpu])
			return true;	/* some were lost: that is news too */
		for (; idx < head; idx++)
			if (tcps_ring_read(ring, idx, &e) &&
			    e.netns_cookie == netns_cookie)
				return true;
	}
	return false;
}

/**
 * tcps_ring_wait_pending - sleep until tcps_ring_follow() has news
 * @log: a snapshot
 * @netns_cookie: its netns
 *
 * Return: 0 (news), 1 (the module is going: no more news), or
 * -ERESTARTSYS on a signal.
 */
int tcps_ring_wait_pending(const struct tcps_trans_log *log, u64 netns_cookie)
{
	int err;

	err = wait_event_interruptible(tcps_ring_wait,
				       READ_ONCE(tcps_ring_closing) ||
				       tcps_ring_pending(log, netns_cookie));
	return err ?: READ_ONCE(tcps_ring_closing);
}

/**
 * tcps_ring_poll_wait - poll_wait() on what writers wake
 * @file: the log file
 * @wait: the poll table
 */
void tcps_ring_poll_wait(struct file *file, struct poll_table_struct *wait)
{
	poll_wait(file, &tcps_ring_wait, wait);
}

/**
 * tcps_ring_shutdown - make sleeping readers return, before the files go
 *
 * Removing a proc file waits for the readers inside it.
 */
void tcps_ring_shutdown(void)
{
	WRITE_ONCE(tcps_ring_closing, true);
	wake_up_interruptible_all(&tcps_ring_wait);
}

/**
 * tcps_ring_snapshot_free - free what tcps_ring_snapshot() gave
 * @log: the snapshot
 */
void tcps_ring_snapshot_free(struct tcps_trans_log *log)
{
	kvfree(log->entries);
	kvfree(log->heads);
	log->entries = NULL;
	log->heads = NULL;
	log->n = 0;
}

/**
 * tcps_ring_init - allocate every possible CPU's ring, with the log on
 *
 * Before any hook is attached: with log=0 the probes' call is patched
 * out here, while no probe runs through it.
 *
 * Return: 0 or -ENOMEM, with nothing left allocated.
 */
int tcps_ring_init(void)
{
	unsigned int cpu;

	init_irq_work(&tcps_ring_wake_work, tcps_ring_wake);
	if (!tcps_log) {
		static_branch_disable(&tcps_ring_on);
		pr_info("log=0: transitions are counted, not logged\n");
		return 0;
	}
	for_each_possible_cpu(cpu) {
		struct tcps_ring *ring;

		ring = kvzalloc_node(struct_size(ring, slot, tcps_ring_size),
				     GFP_KERNEL, cpu_to_node(cpu));
		if (!ring) {
			tcps_ring_exit();
			return -ENOMEM;
		}
		ring->mask = tcps_ring_size - 1;
		per_cpu(tcps_rings, cpu) = ring;
	}
	return 0;
}

/**
 * tcps_ring_exit - free the rings
 *
 * Context: no probe may be running (hooks detached and synchronized).
 */
void tcps_ring_exit(void)
{
	unsigned int cpu;

	/* A wakeup a last probe queued must not run after the module. */
	irq_work_sync(&tcps_ring_wake_work);
	for_each_possible_cpu(cpu) {
		kvfree(per_cpu(tcps_rings, cpu));
		per_cpu(tcps_rings, cpu) = NULL;
	}
}
