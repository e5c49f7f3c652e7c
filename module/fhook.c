// SPDX-License-Identifier: GPL-2.0
/*
 * Function entry hooks (compat_fhook.h): ftrace_ops, or kprobes on a
 * kernel without dynamic ftrace.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/hash.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/mutex.h>
#include <linux/ptrace.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "compat_fhook.h"

#ifdef CONFIG_DYNAMIC_FTRACE

/*
 * PERMANENT: a hook that stopped firing would leave the counts wrong, so
 * while it is attached the kernel.ftrace_enabled sysctl cannot turn
 * function tracing off (it fails with EBUSY); were it off already, the
 * hook is not attached and the counts view walks.
 *
 * No FTRACE_OPS_FL_RECURSION: its guard is a helper that ftrace's
 * trampoline calls before ours, about 30 instructions a hit (0.4% of a
 * loopback connection on 6.12, docs/benchmarks.md), and it guards against
 * nothing here.  Recursion is a callback reaching the function it hooks;
 * no handler calls any hooked function, directly or through what it
 * calls (a few per-CPU stores, sk_hashed(), tcps_trans_record(), and at a
 * function's first hit sprint_symbol_no_offset()).  A hooked function
 * called by an interrupt while a handler runs is nesting, which the guard
 * lets through anyway.  Without the helper a handler may run preemptible
 * (inet_put_port() is called so): each keeps what it needs on one CPU
 * itself, as tcps_trans_record() and tcps_trans_bound() do, or runs where
 * bottom halves are off.  RCU is watching where TCP runs, so
 * FTRACE_OPS_FL_RCU is not needed either; unregistering a module's ops
 * waits for tasks still in it (synchronize_rcu_tasks()).
 */
#define TCPS_FHOOK_BASE	FTRACE_OPS_FL_PERMANENT

#ifdef TCPS_HAVE_FTRACE_REGS_GET_ARGUMENT
/* The argument registers are saved for every callback. */
#define TCPS_FHOOK_FLAGS	TCPS_FHOOK_BASE
static unsigned long tcps_fhook_arg(struct ftrace_regs *fregs, unsigned int n)
{
	return ftrace_regs_get_argument(fregs, n);
}
#else
/* 6.1 on x86: only a callback that asks for all of them gets pt_regs. */
#define TCPS_FHOOK_FLAGS	(TCPS_FHOOK_BASE | FTRACE_OPS_FL_SAVE_REGS)
static unsigned long tcps_fhook_arg(struct ftrace_regs *fregs, unsigned int n)
{
	struct pt_regs *regs = ftrace_get_regs(fregs);

	return regs ? regs_get_kernel_argument(regs, n) : 0;
}
#endif

/*
 * One ftrace_ops for every hook: each ftrace_ops a module unregisters
 * costs a tasks-RCU grace period or two (ftrace_shutdown()): with one per
 * hook a reload took 2.5 s instead of 1 s (6.12 under QEMU TCG).  The
 * callback tells the hooks apart by the address ftrace calls it with:
 * the one the filter was given where ftrace's call is the function's
 * first instruction (x86), else learnt from the name at the first hit.
 */
#define TCPS_FHOOK_MAX	16

static struct ftrace_ops tcps_fhook_ops;
static struct tcps_fhook *tcps_fhook_table[TCPS_FHOOK_MAX];
/* Table entries published; entries are only ever added while attaching. */
static unsigned int tcps_fhook_count;
/* Hooks whose function is in the filter; the ops is registered if any. */
static unsigned int tcps_fhook_live;
static DEFINE_MUTEX(tcps_fhook_mutex);

/*
 * The callback's address -> its hook: open addressing, a hash and mostly
 * one compare a hit (a scan of the table cost 0.3% of a loopback
 * connection).  At most two entries a hook (its filtered address, the
 * one learnt), so never full.  Written under tcps_fhook_slot_lock (the
 * first hit may learn in any context), read without it; emptied once the
 * ops is unregistered.
 */
#define TCPS_FHOOK_SLOT_BITS	6
#define TCPS_FHOOK_SLOTS	BIT(TCPS_FHOOK_SLOT_BITS)

static struct tcps_fhook_slot {
	unsigned long ip;
	struct tcps_fhook *h;
} tcps_fhook_slots[TCPS_FHOOK_SLOTS];
static DEFINE_RAW_SPINLOCK(tcps_fhook_slot_lock);
static char tcps_fhook_name[KSYM_SYMBOL_LEN];

static struct tcps_fhook *tcps_fhook_slot_get(unsigned long ip)
{
	unsigned int i = hash_long(ip, TCPS_FHOOK_SLOT_BITS);
	unsigned long cur;

	/* Pairs with the release in tcps_fhook_slot_set(). */
	while ((cur = smp_load_acquire(&tcps_fhook_slots[i].ip))) {
		if (cur == ip)
			return READ_ONCE(tcps_fhook_slots[i].h);
		i = (i + 1) & (TCPS_FHOOK_SLOTS - 1);
	}
	return NULL;
}

/* Under tcps_fhook_slot_lock. */
static void tcps_fhook_slot_set(unsigned long ip, struct tcps_fhook *h)
{
	unsigned int i = hash_long(ip, TCPS_FHOOK_SLOT_BITS);

	while (tcps_fhook_slots[i].ip && tcps_fhook_slots[i].ip != ip)
		i = (i + 1) & (TCPS_FHOOK_SLOTS - 1);
	WRITE_ONCE(tcps_fhook_slots[i].h, h);
	/* The hook before the address that finds it. */
	smp_store_release(&tcps_fhook_slots[i].ip, ip);
}

/* Whether @sym names the function sprint_symbol_no_offset() put in @buf. */
static bool tcps_fhook_name_is(const char *buf, const char *sym)
{
	size_t n = strlen(sym);

	/* A module's function is "name [module]". */
	return !strncmp(buf, sym, n) && (buf[n] == '\0' || buf[n] == ' ');
}

/* First hit on @ip: which hook's function it is (once per function). */
static noinline struct tcps_fhook *tcps_fhook_learn(unsigned long ip)
{
	/* Pairs with the release in tcps_fhook_attach(). */
	unsigned int count = smp_load_acquire(&tcps_fhook_count);
	struct tcps_fhook *h, *found = NULL;
	unsigned long flags;
	unsigned int i;

	raw_spin_lock_irqsave(&tcps_fhook_slot_lock, flags);
	sprint_symbol_no_offset(tcps_fhook_name, ip);
	for (i = 0; i < count; i++) {
		h = tcps_fhook_table[i];
		if (READ_ONCE(h->filtered) &&
		    tcps_fhook_name_is(tcps_fhook_name, h->symbol)) {
			tcps_fhook_slot_set(ip, h);
			found = h;
			break;
		}
	}
	raw_spin_unlock_irqrestore(&tcps_fhook_slot_lock, flags);
	return found;
}

static void tcps_fhook_ftrace(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct tcps_fhook *h = tcps_fhook_slot_get(ip);
	unsigned long args[TCPS_FHOOK_ARGS];
	unsigned int i;

	if (!h)
		h = tcps_fhook_learn(ip);
	/* Detached: its function is still in the filter. */
	if (!h || !READ_ONCE(h->attached))
		return;
	args[0] = tcps_fhook_arg(fregs, 0);
	if (!args[0])
		return;
	for (i = 1; i < h->nargs && i < TCPS_FHOOK_ARGS; i++)
		args[i] = tcps_fhook_arg(fregs, i);
	h->handler(args);
}

/*
 * @sym's address, for the filter.  Asking ftrace for a name instead scans
 * every traceable function, with a symbol lookup each: about 65 ms a hook
 * at the load and again at the unload, on 6.12 under QEMU TCG.
 * kallsyms_lookup_name() is not exported; a kprobe that is never armed
 * looks the name up with it, at no more cost than one RCU grace period.
 */
static int tcps_fhook_resolve(const char *sym, unsigned long *addr)
{
	struct kprobe kp = {
		.symbol_name = sym,
		.flags = KPROBE_FLAG_DISABLED,
	};
	int err;

	err = register_kprobe(&kp);
	if (err)
		return err;
	*addr = (unsigned long)kp.addr;
	unregister_kprobe(&kp);
	return 0;
}

/**
 * tcps_fhook_attach - hook @h->symbol's entry
 * @h: the hook, with symbol and handler set
 *
 * The first hook registers the ops; later ones join its filter, which
 * ftrace applies to the running ops at once.
 *
 * Return: 0, or a negative errno (no such function, not traceable).
 */
int tcps_fhook_attach(struct tcps_fhook *h)
{
	unsigned int i;
	int err = 0;

	mutex_lock(&tcps_fhook_mutex);
	if (h->attached)
		goto out;
	/* In the table before its function can call the callback. */
	for (i = 0; i < tcps_fhook_count; i++)
		if (tcps_fhook_table[i] == h)
			break;
	if (i == tcps_fhook_count) {
		err = -ENOSPC;
		if (i == TCPS_FHOOK_MAX)
			goto out;
		WRITE_ONCE(h->filtered, false);
		tcps_fhook_table[i] = h;
		/* The entry before the count: the callback reads them so. */
		smp_store_release(&tcps_fhook_count, i + 1);
	}
	if (!tcps_fhook_live) {
		memset(&tcps_fhook_ops, 0, sizeof(tcps_fhook_ops));
		tcps_fhook_ops.func = tcps_fhook_ftrace;
		tcps_fhook_ops.flags = TCPS_FHOOK_FLAGS;
	}
	WRITE_ONCE(h->attached, true);
	if (!h->filtered) {
		err = tcps_fhook_resolve(h->symbol, &h->addr);
		if (err)
			goto out;
		/* The callback's ip where ftrace's call is the first insn. */
		raw_spin_lock_irq(&tcps_fhook_slot_lock);
		tcps_fhook_slot_set(h->addr, h);
		raw_spin_unlock_irq(&tcps_fhook_slot_lock);
		err = ftrace_set_filter_ip(&tcps_fhook_ops, h->addr, 0, 0);
		if (err)
			goto out;
		WRITE_ONCE(h->filtered, true);
	}
	if (!tcps_fhook_live) {
		err = register_ftrace_function(&tcps_fhook_ops);
		if (err)
			goto out;
	}
	tcps_fhook_live++;
out:
	if (err) {
		WRITE_ONCE(h->attached, false);
		if (!tcps_fhook_live) {
			ftrace_free_filter(&tcps_fhook_ops);
			WRITE_ONCE(h->filtered, false);
		}
	}
	mutex_unlock(&tcps_fhook_mutex);
	return err;
}

/**
 * tcps_fhook_detach - unhook
 * @h: the hook; nothing happens if it is not attached
 *
 * Its handler is called no more, but one may still be running on another
 * CPU until the last hook is detached: that one unregisters the ops, which
 * waits for every callback still running, so what a handler uses must
 * outlive the last tcps_fhook_detach().  The function stays in the
 * filter until then (its hits return at once): taking each out would
 * cost a pass over every traceable function, and taking the last one out
 * would trace them all, as an empty filter means all.
 */
void tcps_fhook_detach(struct tcps_fhook *h)
{
	unsigned int i;

	mutex_lock(&tcps_fhook_mutex);
	if (!h->attached)
		goto out;
	WRITE_ONCE(h->attached, false);
	if (--tcps_fhook_live)
		goto out;
	unregister_ftrace_function(&tcps_fhook_ops);
	ftrace_free_filter(&tcps_fhook_ops);
	for (i = 0; i < tcps_fhook_count; i++)
		WRITE_ONCE(tcps_fhook_table[i]->filtered, false);
	/* No callback runs any more (the unregister waited). */
	raw_spin_lock_irq(&tcps_fhook_slot_lock);
	memset(tcps_fhook_slots, 0, sizeof(tcps_fhook_slots));
	raw_spin_unlock_irq(&tcps_fhook_slot_lock);
out:
	mutex_unlock(&tcps_fhook_mutex);
}

/* ftrace's guard only skips a callback the same context re-enters. */
unsigned long tcps_fhook_missed(const struct tcps_fhook *h)
{
	return 0;
}

#else /* !CONFIG_DYNAMIC_FTRACE */

static int tcps_fhook_kprobe(struct kprobe *kp, struct pt_regs *regs)
{
	struct tcps_fhook *h = container_of(kp, struct tcps_fhook, kp);
	unsigned long args[TCPS_FHOOK_ARGS];
	unsigned int i;

	args[0] = regs_get_kernel_argument(regs, 0);
	if (!args[0])
		return 0;
	for (i = 1; i < h->nargs && i < TCPS_FHOOK_ARGS; i++)
		args[i] = regs_get_kernel_argument(regs, i);
	h->handler(args);
	return 0;
}

int tcps_fhook_attach(struct tcps_fhook *h)
{
	int err;

	memset(&h->kp, 0, sizeof(h->kp));
	h->kp.symbol_name = h->symbol;
	h->kp.pre_handler = tcps_fhook_kprobe;
	err = register_kprobe(&h->kp);
	if (!err)
		h->attached = true;
	return err;
}

void tcps_fhook_detach(struct tcps_fhook *h)
{
	if (!h->attached)
		return;
	unregister_kprobe(&h->kp);
	h->attached = false;
}

unsigned long tcps_fhook_missed(const struct tcps_fhook *h)
{
	return h->attached ? READ_ONCE(h->kp.nmissed) : 0;
}

#endif /* CONFIG_DYNAMIC_FTRACE */
