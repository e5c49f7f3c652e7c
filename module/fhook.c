// SPDX-License-Identifier: GPL-2.0
/*
 * Function entry hooks (compat_fhook.h): ftrace_ops, or kprobes on a
 * kernel without dynamic ftrace.
 */
#include <linux/errno.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/ptrace.h>
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
 * each ops hooks one function, and no handler calls any of them, directly
 * or through what it calls (a few per-CPU stores, sk_hashed(),
 * tcps_trans_record()).  A hooked function called by an interrupt while a
 * handler runs is nesting, which the guard lets through anyway.  Without
 * the helper a handler may run preemptible (inet_put_port() is called so):
 * each keeps what it needs on one CPU itself, as tcps_trans_record() and
 * tcps_trans_bound() do, or runs where bottom halves are off.  RCU is
 * watching where TCP runs, so FTRACE_OPS_FL_RCU is not needed either;
 * unregistering a module's ops waits for tasks still in it
 * (synchronize_rcu_tasks()).
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

static void tcps_fhook_ftrace(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *op, struct ftrace_regs *fregs)
{
	struct tcps_fhook *h = container_of(op, struct tcps_fhook, ops);
	unsigned long args[TCPS_FHOOK_ARGS];
	unsigned int i;

	args[0] = tcps_fhook_arg(fregs, 0);
	if (!args[0])
		return;
	for (i = 1; i < h->nargs && i < TCPS_FHOOK_ARGS; i++)
		args[i] = tcps_fhook_arg(fregs, i);
	h->handler(args);
}

/**
 * tcps_fhook_attach - hook @h->symbol's entry
 * @h: the hook, with symbol and handler set
 *
 * Return: 0, or a negative errno (no such function, not traceable).
 */
int tcps_fhook_attach(struct tcps_fhook *h)
{
	char name[KSYM_NAME_LEN];
	int err;

	/* ftrace_set_filter() wants a buffer it may write. */
	strscpy(name, h->symbol, sizeof(name));
	memset(&h->ops, 0, sizeof(h->ops));
	h->ops.func = tcps_fhook_ftrace;
	h->ops.flags = TCPS_FHOOK_FLAGS;
	err = ftrace_set_filter(&h->ops, name, strlen(name), 1);
	if (err)
		goto out_free;
	err = register_ftrace_function(&h->ops);
	if (err)
		goto out_free;
	h->attached = true;
	return 0;

out_free:
	ftrace_free_filter(&h->ops);
	return err;
}

/**
 * tcps_fhook_detach - unhook, waiting for callbacks still running
 * @h: the hook; nothing happens if it is not attached
 */
void tcps_fhook_detach(struct tcps_fhook *h)
{
	if (!h->attached)
		return;
	unregister_ftrace_function(&h->ops);
	ftrace_free_filter(&h->ops);
	h->attached = false;
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
