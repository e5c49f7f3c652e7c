// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): a module can find a
 * tracepoint that is not exported by walking the kernel's, and attach to
 * it (the state-change hook).
 */
#include <linux/tracepoint.h>

static void tcps_conftest_fn(struct tracepoint *tp, void *priv)
{
}

int tcps_conftest(struct tracepoint *tp);
int tcps_conftest(struct tracepoint *tp)
{
	for_each_kernel_tracepoint(tcps_conftest_fn, NULL);
	return tracepoint_probe_register(tp, NULL, NULL);
}
