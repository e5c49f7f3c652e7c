/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels tcpstates builds against, in one place,
 * so the core files carry no #ifdef.  Force-included by Kbuild.
 *
 * Kbuild compiles each feature test in module/conftest/ against the
 * kernel's headers and defines TCPS_HAVE_<NAME> for those that build;
 * here a missing feature the module cannot do without stops the build
 * with its name, and the wrappers beside this file (compat_*.h) pick
 * between APIs by feature, never by version number.
 */
#ifndef _TCPS_COMPAT_H
#define _TCPS_COMPAT_H

#include <linux/kconfig.h>

/* IPv6 rows read sk_v6_* fields, which exist only with IPv6 built. */
#if !IS_ENABLED(CONFIG_INET) || !IS_ENABLED(CONFIG_IPV6)
#error "tcpstates needs CONFIG_INET and CONFIG_IPV6"
#endif

#ifndef TCPS_HAVE_PERNET_HASHINFO
#error "tcpstates: kernel feature missing: net->ipv4.tcp_death_row.hashinfo (module/conftest/pernet_hashinfo.c; Linux 6.1 or later has it)"
#endif

#ifndef TCPS_HAVE_KERNEL_TRACEPOINTS
#error "tcpstates: kernel feature missing: for_each_kernel_tracepoint() and tracepoint_probe_register() (module/conftest/kernel_tracepoints.c; CONFIG_TRACEPOINTS)"
#endif

/* compat_sock.h: the owner's UID */
#if !defined(TCPS_HAVE_SK_UID) && !defined(TCPS_HAVE_SOCK_I_UID)
#error "tcpstates: kernel feature missing: sk_uid() or sock_i_uid() (module/conftest/sk_uid.c, sock_i_uid.c)"
#endif

/* compat_hex.h: hex_asc[] */
#if !defined(TCPS_HAVE_LINUX_HEX_H) && !defined(TCPS_HAVE_KERNEL_HEX_ASC)
#error "tcpstates: kernel feature missing: hex_asc[] in <linux/hex.h> or <linux/kernel.h> (module/conftest/linux_hex_h.c, kernel_hex_asc.c)"
#endif

#endif /* _TCPS_COMPAT_H */
