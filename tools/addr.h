/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses as the kernel writes them.
 */
#ifndef TCPS_ADDR_H
#define TCPS_ADDR_H

#include <arpa/inet.h>
#include <stdbool.h>

/*
 * @a as the module prints it (the kernel's "%pI6c"): RFC 5952 text, and
 * the last 32 bits as a dotted quad for v4-mapped and ISATAP addresses.
 * @buf: INET6_ADDRSTRLEN bytes.
 */
const char *tcps_ip6_text(const struct in6_addr *a, char *buf);

/* Why an endpoint's text is not one the module writes. */
enum tcps_endpoint_error {
	TCPS_ENDPOINT_OK,
	TCPS_ENDPOINT_NO_PORT,		/* no ":PORT" */
	TCPS_ENDPOINT_BAD_PORT,		/* not 1-65535 without a 0 first, or "*" */
	TCPS_ENDPOINT_NO_BRACKETS,	/* tcp6 without "[address]" */
	TCPS_ENDPOINT_BAD_ADDRESS,	/* not an address of the family */
	TCPS_ENDPOINT_NOT_CANONICAL,	/* IPv6 text other than the kernel's */
};

/*
 * "a.b.c.d:port" (@v6 false) or "[ipv6]:port": on success @text is cut
 * in place into the bare address, *@addr points into it and *@port is
 * the port (0 for "*").  @canon (INET6_ADDRSTRLEN bytes) receives the
 * kernel's text of an IPv6 address that was written otherwise.
 */
enum tcps_endpoint_error tcps_parse_endpoint_text(char *text, bool v6,
						  const char **addr,
						  unsigned int *port,
						  char *canon);

#endif /* TCPS_ADDR_H */
