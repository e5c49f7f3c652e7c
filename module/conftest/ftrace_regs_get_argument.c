// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): an ftrace_ops callback
 * can read a traced function's arguments from its ftrace_regs without
 * asking ftrace to save every register (the bind hooks, fhook.c).
 */
#include <linux/ftrace.h>

unsigned long tcps_conftest(struct ftrace_regs *fregs);
unsigned long tcps_conftest(struct ftrace_regs *fregs)
{
	return ftrace_regs_get_argument(fregs, 0);
}
