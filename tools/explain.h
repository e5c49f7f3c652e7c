/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each state means, and when to worry about it.
 */
#ifndef TCPS_EXPLAIN_H
#define TCPS_EXPLAIN_H

#include <stdio.h>

/* The paragraphs of the states in @mask (TCPS_BIT()s), in id order. */
void tcps_explain(FILE *out, unsigned int mask);

#endif /* TCPS_EXPLAIN_H */
