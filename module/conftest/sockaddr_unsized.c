// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): kernel_bind() and
 * kernel_connect() take a struct sockaddr_unsized (7.x), not a struct
 * sockaddr.  Only the KUnit suite calls them.
 */
#include <linux/net.h>
#include <linux/socket.h>

int tcps_conftest(struct socket *sock, struct sockaddr_unsized *addr);
int tcps_conftest(struct socket *sock, struct sockaddr_unsized *addr)
{
	return kernel_bind(sock, addr, sizeof(struct sockaddr_storage));
}
