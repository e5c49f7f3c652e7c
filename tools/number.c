// SPDX-License-Identifier: GPL-2.0
/*
 * Strict number parsing.  strtoull() would accept a sign, leading blanks
 * and "0x", and wrap "-1" to 2^64 - 1: none of that is in the format, and
 * on a command line it would hide a typo.
 */
#include <string.h>

#include "number.h"

bool tcps_parse_u64(const char *s, unsigned long long *v)
{
	unsigned long long n = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return false;
		if (__builtin_mul_overflow(n, 10, &n) ||
		    __builtin_add_overflow(n, (unsigned int)(*s - '0'), &n))
			return false;
	}
	*v = n;
	return true;
}

bool tcps_parse_port(const char *s, bool star, unsigned int *port)
{
	unsigned long long v;

	if (star && !strcmp(s, "*")) {
		*port = 0;
		return true;
	}
	if (!tcps_parse_u64(s, &v) || v > 65535)
		return false;
	*port = (unsigned int)v;
	return true;
}
