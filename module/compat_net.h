/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel_bind() and kernel_connect() with a struct sockaddr_storage: the
 * address type they take became struct sockaddr_unsized in 7.x.  Used by
 * the KUnit suite, which makes its own sockets.
 */
#ifndef _TCPS_COMPAT_NET_H
#define _TCPS_COMPAT_NET_H

#include <linux/net.h>
#include <linux/socket.h>

/* The address type the two take. */
#ifdef TCPS_HAVE_SOCKADDR_UNSIZED
#define TCPS_SOCKADDR_ARG struct sockaddr_unsized
#else
#define TCPS_SOCKADDR_ARG struct sockaddr
#endif

static inline int tcps_kernel_bind(struct socket *sock,
				   struct sockaddr_storage *ss, int len)
{
	return kernel_bind(sock, (TCPS_SOCKADDR_ARG *)ss, len);
}

static inline int tcps_kernel_connect(struct socket *sock,
				      struct sockaddr_storage *ss, int len,
				      int flags)
{
	return kernel_connect(sock, (TCPS_SOCKADDR_ARG *)ss, len, flags);
}

#endif /* _TCPS_COMPAT_NET_H */
