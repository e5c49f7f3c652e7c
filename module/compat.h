/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcpstates builds against, in one place,
 * so the core files carry no #ifdef.  Force-included by Kbuild.
 *
 * Every kernel this module targets (Debian 6.1 and 6.12) has what the
 * core uses: net->ipv4.tcp_death_row.hashinfo (per-netns ehash, 6.1),
 * lhash2 chains of hlist_nulls, hlist_nulls_unhashed_lockless(); an
 * older kernel fails to build on the first of them.
 */
#ifndef _TCPS_COMPAT_H
#define _TCPS_COMPAT_H

#include <linux/kconfig.h>

/* IPv6 rows read sk_v6_* fields, which exist only with IPv6 built. */
#if !IS_ENABLED(CONFIG_INET) || !IS_ENABLED(CONFIG_IPV6)
#error "tcpstates needs CONFIG_INET and CONFIG_IPV6"
#endif

#endif /* _TCPS_COMPAT_H */
