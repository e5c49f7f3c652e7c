// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's compressed IPv6 text, so that the reader can insist on the
 * exact text the module writes.  inet_ntop() is not that text: glibc
 * writes IPv4-compatible addresses (::a.b.c.d) in dotted form, which the
 * kernel does not, and the kernel writes ISATAP interface ids in dotted
 * form, which glibc does not.  Rules (lib/vsprintf.c): lower-case hex
 * without leading zeros; the first longest run of two or more zero
 * words as "::"; v4-mapped and ISATAP addresses end in a dotted quad.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "number.h"

const char *tcps_ip6_text(const struct in6_addr *a, char *buf)
{
	const unsigned char *b = a->s6_addr;
	bool v4mapped, isatap, colon = false;
	int range, i, j, run, longest = 1, at = -1;
	char *p = buf;

	v4mapped = !b[0] && !b[1] && !b[2] && !b[3] && !b[4] && !b[5] &&
		   !b[6] && !b[7] && !b[8] && !b[9] && b[10] == 0xff &&
		   b[11] == 0xff;
	/* ::0:5efe:a.b.c.d or ::200:5efe:a.b.c.d in the interface id. */
	isatap = (b[8] | 0x02) == 0x02 && !b[9] && b[10] == 0x5e &&
		 b[11] == 0xfe;
	range = v4mapped || isatap ? 6 : 8;

	for (i = 0; i < range; i++) {
		for (j = i, run = 0; j < range && !b[2 * j] && !b[2 * j + 1]; j++)
			run++;
		if (run > longest) {
			longest = run;
			at = i;
		}
	}
	for (i = 0; i < range; i++) {
		if (i == at) {
			p += sprintf(p, colon || !i ? "::" : ":");
			colon = false;
			i += longest - 1;
			continue;
		}
		p += sprintf(p, "%s%x", colon ? ":" : "",
			     (unsigned int)(b[2 * i] << 8 | b[2 * i + 1]));
		colon = true;
	}
	if (range == 6)
		sprintf(p, "%s%u.%u.%u.%u", colon ? ":" : "",
			b[12], b[13], b[14], b[15]);
	return buf;
}

/*
 * The address must be one inet_pton() accepts: that also guarantees it
 * holds nothing that would need escaping in JSON or Prometheus output.
 * One address has one text, the kernel's, so an IPv6 address must be
 * written as tcps_ip6_text() writes it.
 */
enum tcps_endpoint_error tcps_parse_endpoint_text(char *text, bool v6,
						  const char **addr,
						  unsigned int *port,
						  char *canon)
{
	unsigned char bin[sizeof(struct in6_addr)];
	char host[INET6_ADDRSTRLEN];
	char *colon = strrchr(text, ':');
	char *start = text;
	size_t len;

	if (!colon)
		return TCPS_ENDPOINT_NO_PORT;
	/* The module writes port 0 as "*", the others without a 0 first. */
	if (colon[1] == '0' || !tcps_parse_port(colon + 1, true, port))
		return TCPS_ENDPOINT_BAD_PORT;
	len = colon - text;
	if (v6) {
		if (len < 2 || text[0] != '[' || text[len - 1] != ']')
			return TCPS_ENDPOINT_NO_BRACKETS;
		start++;
		len -= 2;
	}
	if (len >= sizeof(host))
		return TCPS_ENDPOINT_BAD_ADDRESS;
	memcpy(host, start, len);
	host[len] = '\0';
	if (inet_pton(v6 ? AF_INET6 : AF_INET, host, bin) != 1)
		return TCPS_ENDPOINT_BAD_ADDRESS;
	if (v6 && strcmp(host, tcps_ip6_text((struct in6_addr *)bin, canon)))
		return TCPS_ENDPOINT_NOT_CANONICAL;
	start[len] = '\0';
	*addr = start;
	return TCPS_ENDPOINT_OK;
}
