/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A hook at a kernel function's entry that gets its first arguments
 * (fhook.c): where the kernel has dynamic ftrace (every Debian kernel),
 * one ftrace_ops whose filter holds every hooked function, else a kprobe
 * each.
 *
 * Why not a kprobe everywhere: while a kprobe's handler runs, any other
 * kprobe hit on that CPU is missed, softirqs that interrupt it included.
 * A hook on functions called on every close() in process context would
 * make the transition kprobes miss hits that softirqs bring (seen on 7.3:
 * a timewait socket's birth).  An ftrace_ops callback takes no part in
 * that, and its recursion guard is per context.
 */
#ifndef _TCPS_COMPAT_FHOOK_H
#define _TCPS_COMPAT_FHOOK_H

#include <linux/ftrace.h>
#include <linux/kprobes.h>

/* The arguments a handler gets: the first TCPS_FHOOK_ARGS, as longs. */
#define TCPS_FHOOK_ARGS	4

struct tcps_fhook {
	const char *symbol;
	/* @args[0] is never 0 (no callback then); nargs of them are read */
	void (*handler)(const unsigned long *args);
	u8 nargs;		/* 1..TCPS_FHOOK_ARGS; 0 means 1 */
	/* set while attached */
	bool attached;
#ifdef CONFIG_DYNAMIC_FTRACE
	/* the address filtered on */
	unsigned long addr;
	/* @addr is in the ops' filter */
	bool filtered;
#else
	struct kprobe kp;
#endif
};

/* What the transitions file says the hook is. */
#ifdef CONFIG_DYNAMIC_FTRACE
#define TCPS_FHOOK_KIND	"ftrace"
#else
#define TCPS_FHOOK_KIND	"kprobe"
#endif

int tcps_fhook_attach(struct tcps_fhook *h);
void tcps_fhook_detach(struct tcps_fhook *h);
unsigned long tcps_fhook_missed(const struct tcps_fhook *h);

#endif /* _TCPS_COMPAT_FHOOK_H */
