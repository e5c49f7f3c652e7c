/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Strict number parsing, shared by the command line and the file reader.
 */
#ifndef TCPS_NUMBER_H
#define TCPS_NUMBER_H

#include <stdbool.h>

/* Decimal digits only: no sign, no blanks, no overflow. */
bool tcps_parse_u64(const char *s, unsigned long long *v);

/* A port number 0..65535; "*", the wildcard, is 0 when @star allows it. */
bool tcps_parse_port(const char *s, bool star, unsigned int *port);

#endif /* TCPS_NUMBER_H */
