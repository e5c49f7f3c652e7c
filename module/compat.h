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

/*
 * 64-bit only.  A 32-bit kernel would tear the per-CPU u64 counters a
 * reader sums while probes write them, and wrap the log ring's unsigned
 * long head after 2^32 entries; rather than guard both, refuse it here
 * (and dkms.conf skips it with BUILD_EXCLUSIVE_CONFIG).
 */
#ifndef CONFIG_64BIT
#error "tcpstates: needs a 64-bit kernel (CONFIG_64BIT); 32-bit kernels are not supported"
#endif

/* Feature tests: module/conftest/<name>.c, as the comments say. */

/* pernet_hashinfo.c: Linux 6.1 and later have it. */
#ifndef TCPS_HAVE_PERNET_HASHINFO
#error "tcpstates: kernel feature missing: net->ipv4.tcp_death_row.hashinfo"
#endif

/* kernel_tracepoints.c: CONFIG_TRACEPOINTS */
#ifndef TCPS_HAVE_KERNEL_TRACEPOINTS
#error "tcpstates: kernel feature missing: for_each_kernel_tracepoint() (CONFIG_TRACEPOINTS)"
#endif

/*
 * sk_uid.c, sock_i_uid.c: the owner's UID, for compat_sock.h (which reads
 * the socket's inode itself where there is no sk_uid(), so sock_i_uid()
 * stands for "the inode holds the owner").  sk_ino.c: optional.
 */
#if !defined(TCPS_HAVE_SK_UID) && !defined(TCPS_HAVE_SOCK_I_UID)
#error "tcpstates: kernel feature missing: sk_uid() or sock_i_uid()"
#endif

/* linux_hex_h.c, kernel_hex_asc.c: hex_asc[], for compat_hex.h */
#if !defined(TCPS_HAVE_LINUX_HEX_H) && !defined(TCPS_HAVE_KERNEL_HEX_ASC)
#error "tcpstates: kernel feature missing: hex_asc[] (<linux/hex.h> or <linux/kernel.h>)"
#endif

/* tcp_timeout_expires.c, icsk_timeout.c: for compat_timer.h */
#if !defined(TCPS_HAVE_TCP_TIMEOUT_EXPIRES) && !defined(TCPS_HAVE_ICSK_TIMEOUT)
#error "tcpstates: kernel feature missing: tcp_timeout_expires() or icsk->icsk_timeout"
#endif

#endif /* _TCPS_COMPAT_H */
