/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ss(8)'s filter expression: "dport = :443 or not dst 10.0.0.0/8".
 *
 * The meaning is that of iproute2 6.1's ss over netlink (Debian 12): the
 * conditions are those the kernel's inet_diag bytecode evaluates, "and"
 * and "or" bind equally and group from the left, as misc/ssfilter.y
 * parses them (not as its man page says).  What ss accepts only by
 * accident, or would resolve through DNS or /etc/services, is refused
 * here with a message rather than read differently.
 *
 * For the caller of -4 and -6: ss reads every address of the expression
 * in the family they give (an IPv6 address after -4 is an error there),
 * and an address's "inet:" or "inet6:" sets the family listed in their
 * stead; tcps_expr_match() applies the latter, never the former.
 */
#ifndef TCPS_EXPR_H
#define TCPS_EXPR_H

#include <stdbool.h>

#include "reader.h"

/* Parentheses and "not" nested deeper than this are refused. */
#define TCPS_EXPR_MAX_DEPTH	64
/* Tokens in one expression: bounds its memory and its parse. */
#define TCPS_EXPR_MAX_TOKENS	4096
/* Characters of the expression, its arguments joined by spaces. */
#define TCPS_EXPR_MAX_TEXT	65536

struct tcps_expr;	/* opaque: the compiled expression */

/*
 * Parse argv[0..argc) as one ss filter expression (ss joins its
 * remaining arguments with spaces, so tokens may be split across or
 * within arguments: "dport" "=" ":22", "dport=:22" and "(dport = :22)"
 * are the same).  argc == 0 is an empty expression that matches
 * everything.  Returns TCPS_EXIT_OK with *out set, or reports a clear
 * message with tcps_err() (what was wrong, where, what would be right)
 * and returns TCPS_EXIT_USAGE.
 */
int tcps_expr_parse(int argc, char **argv, struct tcps_expr **out);

/* Does @row pass?  Any row passes the empty expression. */
bool tcps_expr_match(const struct tcps_expr *e, const struct tcps_row *row);

/* NULL is allowed. */
void tcps_expr_free(struct tcps_expr *e);

#endif /* TCPS_EXPR_H */
