/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Addresses as the kernel writes them.
 */
#ifndef TCPS_ADDR_H
#define TCPS_ADDR_H

#include <arpa/inet.h>

/*
 * @a as the module prints it (the kernel's "%pI6c"): RFC 5952 text, and
 * the last 32 bits as a dotted quad for v4-mapped and ISATAP addresses.
 * @buf: INET6_ADDRSTRLEN bytes.
 */
const char *tcps_ip6_text(const struct in6_addr *a, char *buf);

#endif /* TCPS_ADDR_H */
