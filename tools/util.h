/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel's idioms the tool uses, so that its code reads like the
 * module's.
 */
#ifndef TCPS_UTIL_H
#define TCPS_UTIL_H

#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))
#define __printf(fmt, args)	__attribute__((format(printf, fmt, args)))

#endif /* TCPS_UTIL_H */
