// SPDX-License-Identifier: GPL-2.0
/*
 * ss(8)'s filter expressions: the tokens, a recursive-descent parser that
 * builds a small tree, and the tree's evaluation against a row.
 *
 * The reference is what Debian 12's ss (iproute2 6.1) shows over
 * netlink.  There a socket is shown when both the kernel's inet_diag
 * bytecode (net/ipv4/inet_diag.c, inet_diag_bc_run()) and ss's own
 * run_ssfilter() pass it; for every condition kept here the kernel's
 * test is the stricter one, so it is the one done here:
 *   - an IPv4 prefix matches an IPv4 row by its address, and a tcp6 row
 *     only if that address is v4-mapped (::ffff:a.b.c.d) and a.b.c.d is
 *     in the prefix, even for 0.0.0.0/0;
 *   - an IPv6 prefix never matches an IPv4 row, even ::/0 or
 *     ::ffff:127.0.0.1: the families differ;
 *   - a port given with an address must be equal too; "*" is any.
 * "and", "or" and juxtaposition bind equally and group from the left
 * (ssfilter.y's exprlist: "a or b and c" is "(a or b) and c"); "not"
 * applies to the one condition or parenthesis after it.
 *
 * Differences, all refusals with a message, never another meaning: host
 * and service names are not resolved (ss asks DNS and /etc/services);
 * numbers are decimal (ss reads "010" as octal); forms ss takes by
 * accident ("sport = *:22" matching every port, "*22", "[::1]22", an
 * empty port) and ss's conditions on what the file does not hold (dev,
 * fwmark, cgroup, autobound) are refused.  Extensions: operators and
 * parentheses need no blanks around them ("dport=:22", "(src 10/8)"),
 * "[IPV6]/PREFIX" is taken as "[IPV6/PREFIX]", and a bare IPv6 address
 * that ss cannot read as ADDRESS:PORT is an address ("::1",
 * "::ffff:127.0.0.1"); one that it can ("::1:22") is refused as
 * ambiguous.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "expr.h"
#include "msg.h"
#include "number.h"
#include "util.h"

enum tcps_tok_kind {
	TCPS_T_END,
	TCPS_T_LPAREN,
	TCPS_T_RPAREN,
	TCPS_T_NOT,
	TCPS_T_AND,
	TCPS_T_OR,
	TCPS_T_EQ,
	TCPS_T_NE,
	TCPS_T_LT,
	TCPS_T_GT,
	TCPS_T_LE,
	TCPS_T_GE,
	TCPS_T_WORD,
};

/* ssfilter.y's yylex(): every spelling of every operator. */
static const struct {
	const char *text;
	enum tcps_tok_kind kind;
} tcps_ops[] = {
	{ "(", TCPS_T_LPAREN }, { ")", TCPS_T_RPAREN },
	{ "!", TCPS_T_NOT }, { "not", TCPS_T_NOT },
	{ "&", TCPS_T_AND }, { "&&", TCPS_T_AND }, { "and", TCPS_T_AND },
	{ "|", TCPS_T_OR }, { "||", TCPS_T_OR }, { "or", TCPS_T_OR },
	{ "=", TCPS_T_EQ }, { "==", TCPS_T_EQ }, { "eq", TCPS_T_EQ },
	{ "!=", TCPS_T_NE }, { "ne", TCPS_T_NE }, { "neq", TCPS_T_NE },
	{ "<", TCPS_T_LT }, { "lt", TCPS_T_LT },
	{ ">", TCPS_T_GT }, { "gt", TCPS_T_GT },
	{ "<=", TCPS_T_LE }, { "le", TCPS_T_LE }, { "leq", TCPS_T_LE },
	{ ">=", TCPS_T_GE }, { "ge", TCPS_T_GE }, { "geq", TCPS_T_GE },
};

/* The words that start a condition, for the "unknown word" hints. */
static const char *const tcps_keywords[] = {
	"src", "dst", "sport", "dport", "dev", "fwmark", "cgroup", "autobound",
};

struct tcps_tok {
	enum tcps_tok_kind kind;
	const char *text;	/* NUL-terminated copy */
	size_t pos, len;	/* in the joined expression, for messages */
};

enum tcps_node_type {
	TCPS_N_LIST,		/* conditions joined by "and" / "or" */
	TCPS_N_NOT,
	TCPS_N_HOST,		/* src, dst; sport/dport "=" and "!=" */
	TCPS_N_GE,		/* port >= N; "<" is its negation */
	TCPS_N_LE,		/* port <= N; ">" is its negation */
};

struct tcps_node {
	unsigned char type;
	bool remote;		/* dst, dport: the foreign end */
	bool negate;		/* "!=", "<", ">": ss's own rewriting */
	bool join_or;		/* joined to the value before it by "or" */
	unsigned char family;	/* HOST: 0 (any address), 4 or 6 */
	unsigned char bits;	/* HOST: the prefix length */
	int port;		/* HOST: -1 for any; GE, LE: the bound */
	int next;		/* the next node of the same list, or -1 */
	int child;		/* LIST, NOT: the first node inside */
	unsigned char addr[16];	/* HOST: network order; IPv4 in 4 bytes */
};

struct tcps_expr {
	int root;		/* -1: the empty expression */
	/*
	 * 4 or 6 after "inet:" or "inet6:": ss then lists that family only,
	 * whatever the rest of the expression says (parse_hostcond() sets
	 * the filter's families); the last such prefix wins, as there.
	 */
	int family;
	int nnodes;
	struct tcps_node nodes[];
};

struct tcps_parser {
	char *text;		/* the arguments joined by spaces */
	size_t text_len;
	char *words;		/* the tokens' texts, each NUL-terminated */
	struct tcps_tok *toks;
	int ntoks, cur;
	struct tcps_expr *e;
};

/* An address condition while it is parsed. */
struct tcps_host {
	int family;		/* 0: any address */
	int bits;
	int port;		/* -1: any */
	unsigned char addr[16];
};

/* Room for a message on its way to tcps_err(), quotes included. */
#define TCPS_WHY_MAX	320
/* A quoted piece of the expression is cut to this in messages. */
#define TCPS_QUOTE_MAX	48
/* Width of the excerpt shown under a message. */
#define TCPS_WHERE_WIDTH	72
/* No address text is this long: no need to copy more of one. */
#define TCPS_ADDR_MAX	128

/* ---- messages ---- */

/* @s, cut to TCPS_QUOTE_MAX characters with "..." if longer. */
static const char *tcps_quote(const char *s, char *buf, size_t size)
{
	size_t len = strlen(s);

	if (len <= TCPS_QUOTE_MAX)
		return s;
	snprintf(buf, size, "%.*s...", TCPS_QUOTE_MAX, s);
	return buf;
}

/* As msg.c shows input: control characters as '?'. */
static void tcps_put_clean(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = s[i];

		fputc(c < 0x20 || c == 0x7f ? '?' : c, stderr);
	}
}

/* Terminal columns of @len bytes of UTF-8: continuation bytes take none. */
static size_t tcps_columns(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/*
 * Under the message, the expression (a window of it, if long) and a
 * caret line under token @ti, or just past the end when @ti is the end.
 */
static void tcps_show_where(const struct tcps_parser *p, int ti)
{
	size_t pos = p->text_len, len = 0, start = 0, end = p->text_len, i;
	const size_t w = TCPS_WHERE_WIDTH;

	if (ti < p->ntoks) {
		pos = p->toks[ti].pos;
		len = p->toks[ti].len;
	}
	if (end > w) {
		start = pos > w / 3 ? pos - w / 3 : 0;
		if (start + w < end)
			end = start + w;
		else
			start = end - w;
	}
	fputs("  ", stderr);
	if (start)
		fputs("...", stderr);
	tcps_put_clean(p->text + start, end - start);
	if (end < p->text_len)
		fputs("...", stderr);
	fputs("\n  ", stderr);
	for (i = tcps_columns(p->text + start, pos - start) + (start ? 3 : 0);
	     i > 0; i--)
		fputc(' ', stderr);
	fputc('^', stderr);
	if (len > end - pos)
		len = end - pos;
	for (i = tcps_columns(p->text + pos, len); i > 1; i--)
		fputc('~', stderr);
	fputc('\n', stderr);
}

/* Report a mistake at token @ti; returns -1, for "return tcps_bad()". */
static __printf(3, 4) int tcps_bad(const struct tcps_parser *p, int ti,
				   const char *fmt, ...)
{
	char msg[TCPS_WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	tcps_err("%s", msg);
	tcps_show_where(p, ti);
	return -1;
}

/* "'dport'", or "the end of the expression" for the end. */
static const char *tcps_tok_name(const struct tcps_parser *p, int ti,
				 char *buf, size_t size)
{
	char q[TCPS_QUOTE_MAX + 4];

	if (ti < 0)
		return "the start of the expression";
	if (ti >= p->ntoks)
		return "the end of the expression";
	snprintf(buf, size, "'%s'",
		 tcps_quote(p->toks[ti].text, q, sizeof(q)));
	return buf;
}

/* ---- tokens ---- */

static bool tcps_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	       c == '\v' || c == '\f';
}

/*
 * ss splits only at blanks; operators and parentheses end a word here
 * too.  No address, port or keyword holds one of these characters, so
 * every expression ss accepts reads the same here.
 */
static bool tcps_is_punct(char c)
{
	return c && strchr("()!=<>&|", c);
}

static enum tcps_tok_kind tcps_kind(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tcps_ops); i++)
		if (strlen(tcps_ops[i].text) == len &&
		    !memcmp(tcps_ops[i].text, s, len))
			return tcps_ops[i].kind;
	return TCPS_T_WORD;
}

/* The token at or after *pos: its start in *pos and its length, or 0. */
static size_t tcps_scan(const char *s, size_t *pos)
{
	size_t i = *pos, n = 0;

	while (tcps_is_blank(s[i]))
		i++;
	*pos = i;
	if (!s[i])
		return 0;
	if (tcps_is_punct(s[i])) {
		/* "!=", "<=", ">=", "==", "&&", "||": one operator each. */
		if (s[i] != '(' && s[i] != ')' && tcps_is_punct(s[i + 1]) &&
		    tcps_kind(s + i, 2) != TCPS_T_WORD)
			return 2;
		return 1;
	}
	while (s[i + n] && !tcps_is_blank(s[i + n]) &&
	       !tcps_is_punct(s[i + n]))
		n++;
	return n;
}

static int tcps_oom(void)
{
	tcps_err("out of memory");
	return TCPS_EXIT_RUNTIME;
}

/* Join the arguments with spaces, as ss reads them, and split that. */
static int tcps_tokenize(struct tcps_parser *p, int argc, char **argv)
{
	size_t total = 0, pos, len;
	char *w;
	int i, n;

	for (i = 0; i < argc; i++) {
		total += strlen(argv[i]) + 1;
		if (total > TCPS_EXPR_MAX_TEXT + 1) {
			tcps_err("the filter expression is longer than %d characters",
				 TCPS_EXPR_MAX_TEXT);
			return TCPS_EXIT_USAGE;
		}
	}
	p->text = malloc(total + 1);
	if (!p->text)
		return tcps_oom();
	p->text[0] = '\0';
	for (i = 0, pos = 0; i < argc; i++) {
		len = strlen(argv[i]);
		memcpy(p->text + pos, argv[i], len);
		pos += len;
		if (i + 1 < argc)
			p->text[pos++] = ' ';
	}
	p->text[pos] = '\0';
	p->text_len = pos;

	for (n = 0, pos = 0; (len = tcps_scan(p->text, &pos)); pos += len)
		n++;
	if (n > TCPS_EXPR_MAX_TOKENS) {
		tcps_err("the filter expression has more than %d words and operators",
			 TCPS_EXPR_MAX_TOKENS);
		return TCPS_EXIT_USAGE;
	}
	/* Each token adds at most its NUL to its characters. */
	p->words = malloc(2 * p->text_len + 1);
	p->toks = calloc(n + 1, sizeof(*p->toks));
	if (!p->words || !p->toks)
		return tcps_oom();
	w = p->words;
	for (i = 0, pos = 0; (len = tcps_scan(p->text, &pos)); pos += len, i++) {
		struct tcps_tok *t = &p->toks[i];

		memcpy(w, p->text + pos, len);
		w[len] = '\0';
		t->text = w;
		t->kind = tcps_kind(w, len);
		t->pos = pos;
		t->len = len;
		w += len + 1;
	}
	p->ntoks = n;
	p->toks[n].kind = TCPS_T_END;
	p->toks[n].text = "";
	p->toks[n].pos = p->text_len;
	return TCPS_EXIT_OK;
}

/* ---- addresses and ports, each with the reason when it is none ---- */

/*
 * A port: "N" (decimal, 0 to 65535) or "*" (any: -1).  Leading zeros
 * are refused: ss reads "022" as octal 18.
 */
static bool tcps_port_text(const char *s, int *port, char *why, size_t size)
{
	char q[TCPS_QUOTE_MAX + 4];
	unsigned long long v;
	size_t i;

	if (!strcmp(s, "*")) {
		*port = -1;
		return true;
	}
	if (!*s) {
		snprintf(why, size, "no port number after ':': expected a number from 0 to 65535, or '*' for any port");
		return false;
	}
	if (strspn(s, "0123456789") == strlen(s)) {
		if (s[0] == '0' && s[1]) {
			snprintf(why, size, "port '%s' has a leading zero, which ss reads as octal: write the port in decimal",
				 tcps_quote(s, q, sizeof(q)));
			return false;
		}
		if (!tcps_parse_u64(s, &v) || v > 65535) {
			snprintf(why, size, "port %s is out of range: a port is 0 to 65535",
				 tcps_quote(s, q, sizeof(q)));
			return false;
		}
		*port = (int)v;
		return true;
	}
	for (i = 0; s[i]; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("-_.+", s[i]))
			break;
	if (!s[i] && isalpha((unsigned char)s[0]))
		snprintf(why, size, "'%s' is a service name: tcpstates does not read /etc/services, write the port number (e.g. ':22', not ':ssh')",
			 tcps_quote(s, q, sizeof(q)));
	else
		snprintf(why, size, "'%s' is not a port: expected a number from 0 to 65535, or '*' for any port",
			 tcps_quote(s, q, sizeof(q)));
	return false;
}

enum tcps_v4_err {
	TCPS_V4_OK,
	TCPS_V4_BAD,
	TCPS_V4_ZERO,		/* a part with a leading zero */
	TCPS_V4_RANGE,		/* a part above 255 */
};

/*
 * ss's IPv4 text (iproute2's get_addr_ipv4()): one to four parts, the
 * missing ones zero on the right, so "10/8" is 10.0.0.0/8 and "127.1"
 * is 127.1.0.0 (not inet_aton()'s 127.0.0.1).  Decimal parts only.
 */
static enum tcps_v4_err tcps_ipv4_text(const char *s, unsigned char *a)
{
	unsigned int v;
	int part, digits;

	memset(a, 0, 4);
	for (part = 0; part < 4; part++) {
		if (!isdigit((unsigned char)*s))
			return TCPS_V4_BAD;
		if (s[0] == '0' && isdigit((unsigned char)s[1]))
			return TCPS_V4_ZERO;
		for (v = 0, digits = 0; isdigit((unsigned char)*s); s++) {
			v = v * 10 + (unsigned int)(*s - '0');
			if (++digits > 3)
				return TCPS_V4_RANGE;
		}
		if (v > 255)
			return TCPS_V4_RANGE;
		a[part] = (unsigned char)v;
		if (!*s)
			return TCPS_V4_OK;
		if (*s != '.' || part == 3)
			return TCPS_V4_BAD;
		s++;
	}
	return TCPS_V4_BAD;
}

/* "inet:" or a family given before: the family every address must have. */
static const char *tcps_family_word(int family)
{
	return family == 4 ? "IPv4" : "IPv6";
}

/* A prefix length: decimal bits, or an IPv4 netmask as ss takes it. */
static bool tcps_bits_text(const char *s, const char *whole, int max,
			   int *bits, char *why, size_t size)
{
	char q[TCPS_QUOTE_MAX + 4], q2[TCPS_QUOTE_MAX + 4];
	unsigned long long v;
	unsigned char m[4];
	unsigned int mask;

	if (!*s) {
		snprintf(why, size, "nothing after '/' in '%s': expected a prefix length from 0 to %d",
			 tcps_quote(whole, q, sizeof(q)), max);
		return false;
	}
	if (strspn(s, "0123456789") == strlen(s)) {
		if (s[0] == '0' && s[1]) {
			snprintf(why, size, "prefix length '%s' in '%s' has a leading zero, which ss reads as octal: write it in decimal",
				 tcps_quote(s, q2, sizeof(q2)),
				 tcps_quote(whole, q, sizeof(q)));
			return false;
		}
		if (!tcps_parse_u64(s, &v) || v > (unsigned long long)max) {
			snprintf(why, size, "prefix length %s in '%s' is out of range: an %s prefix is 0 to %d bits",
				 tcps_quote(s, q2, sizeof(q2)),
				 tcps_quote(whole, q, sizeof(q)),
				 max == 32 ? "IPv4" : "IPv6", max);
			return false;
		}
		*bits = (int)v;
		return true;
	}
	/* ss takes 255.255.255.0 for /24 (get_netmask()): contiguous only. */
	if (strchr(s, '.') && tcps_ipv4_text(s, m) == TCPS_V4_OK) {
		mask = (unsigned int)m[0] << 24 | m[1] << 16 | m[2] << 8 | m[3];
		if (!(~mask & (~mask + 1))) {
			*bits = __builtin_popcount(mask);
			return true;
		}
	}
	snprintf(why, size, "bad prefix length '%s' in '%s': expected 0 to %d bits, or a netmask such as 255.255.255.0",
		 tcps_quote(s, q2, sizeof(q2)), tcps_quote(whole, q, sizeof(q)),
		 max);
	return false;
}

/*
 * ADDRESS[/PREFIX] of family @fam (0: either): IPv4 (ss's forms), IPv6
 * (inet_pton()), or any/all/default, which ss takes for any address.
 */
static bool tcps_addr_text(const char *s, int fam, struct tcps_host *h,
			   char *why, size_t size)
{
	char buf[TCPS_ADDR_MAX], q[TCPS_QUOTE_MAX + 4];
	const char *slash = strchr(s, '/');
	size_t len = slash ? (size_t)(slash - s) : strlen(s);
	int max;

	if (len >= sizeof(buf))
		goto bad;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (!strcmp(buf, "any") || !strcmp(buf, "all") ||
	    !strcmp(buf, "default")) {
		if (slash) {
			snprintf(why, size, "'%s' is any address and takes no prefix length: write e.g. 0.0.0.0/0",
				 tcps_quote(s, q, sizeof(q)));
			return false;
		}
		h->family = 0;
		h->bits = 0;
		return true;
	}
	if (strchr(buf, ':')) {
		if (fam == 4)
			goto wrong_family;
		if (inet_pton(AF_INET6, buf, h->addr) != 1)
			goto bad;
		h->family = 6;
		max = 128;
	} else {
		switch (tcps_ipv4_text(buf, h->addr)) {
		case TCPS_V4_OK:
			break;
		case TCPS_V4_ZERO:
			snprintf(why, size, "'%s' has a part with a leading zero, which ss reads as octal: write the address in decimal",
				 tcps_quote(s, q, sizeof(q)));
			return false;
		case TCPS_V4_RANGE:
			snprintf(why, size, "'%s' is not an IPv4 address: each part is 0 to 255",
				 tcps_quote(s, q, sizeof(q)));
			return false;
		default:
			goto bad;
		}
		if (fam == 6)
			goto wrong_family;
		h->family = 4;
		max = 32;
	}
	h->bits = max;
	return !slash || tcps_bits_text(slash + 1, s, max, &h->bits, why, size);
wrong_family:
	snprintf(why, size, "'%s' is not an %s address, and 'inet%s:' here or before it in the expression makes every later address %s, as in ss",
		 tcps_quote(s, q, sizeof(q)), tcps_family_word(fam),
		 fam == 4 ? "" : "6", tcps_family_word(fam));
	return false;
bad:
	snprintf(why, size, "'%s' is not an IP address (tcpstates resolves no host names): write e.g. 127.0.0.1, 10.0.0.0/8, [::1] or [2001:db8::]/32",
		 tcps_quote(s, q, sizeof(q)));
	return false;
}

/*
 * ADDRESS[/PREFIX][:PORT] with no brackets: ss takes the last ':' after
 * the '/' (or in the whole, without one) for the port separator.
 */
static bool tcps_split_text(const char *s, int fam, struct tcps_host *h,
			    char *why, size_t size)
{
	const char *slash = strchr(s, '/');
	const char *colon = strrchr(slash ? slash : s, ':');
	char buf[TCPS_ADDR_MAX];
	size_t len;

	h->port = -1;
	if (!colon)
		return tcps_addr_text(s, fam, h, why, size);
	len = (size_t)(colon - s);
	if (len >= sizeof(buf)) {
		/* Too long for any address: let that be the message. */
		return tcps_addr_text(s, fam, h, why, size);
	}
	memcpy(buf, s, len);
	buf[len] = '\0';
	/* ":PORT": any address (ss parses no address when there is none). */
	if (!len)
		h->family = 0;
	else if (!tcps_addr_text(buf, fam, h, why, size))
		return false;
	return tcps_port_text(colon + 1, &h->port, why, size);
}

/*
 * "inet:" and "inet6:" set the family of this address and of every later
 * one, and the family of the rows listed (see struct tcps_expr); ss's
 * other families hold no TCP socket.  Moves *s past the prefix.
 */
static int tcps_family_prefix(struct tcps_parser *p, int ti, const char **s)
{
	static const struct {
		const char *prefix;
		int family;
	} fams[] = {
		{ "inet:", 4 }, { "inet6:", 6 }, { "unix:", 0 },
		{ "link:", 0 }, { "netlink:", 0 }, { "vsock:", 0 },
	};
	size_t i, len;

	for (i = 0; i < ARRAY_SIZE(fams); i++) {
		len = strlen(fams[i].prefix);
		if (strncmp(*s, fams[i].prefix, len))
			continue;
		if (!fams[i].family)
			return tcps_bad(p, ti, "not supported by tcpstates: '%s' addresses (the file holds TCP sockets only)",
					fams[i].prefix);
		p->e->family = fams[i].family;
		*s += len;
		break;
	}
	return 0;
}

/* src/dst's HOST, after any "inet:" or "inet6:". */
static int tcps_host_word(struct tcps_parser *p, int ti, const char *s,
			  struct tcps_host *h)
{
	char why[TCPS_WHY_MAX], buf[TCPS_ADDR_MAX];
	char q[TCPS_QUOTE_MAX + 4], q2[TCPS_QUOTE_MAX + 4];
	const char *word = p->toks[ti].text, *close, *rest;
	unsigned char a6[16];
	struct tcps_host alt;
	int fam = p->e->family;
	bool by_ss, whole;
	size_t len, plen;

	h->port = -1;
	/* ss takes "inet:" alone for any IPv4 address: say what to write. */
	if (!*s)
		return tcps_bad(p, ti, "no address after '%s': write e.g. '%s*' for any address of that family",
				word, word);
	if (*s == '[') {
		/* [ADDRESS[/PREFIX]][/PREFIX][:PORT] */
		close = strchr(s, ']');
		if (!close)
			return tcps_bad(p, ti, "'[' without ']' in '%s': write an IPv6 address as [::1] or [::1]:22",
					tcps_quote(word, q, sizeof(q)));
		len = (size_t)(close - s - 1);
		if (!len)
			return tcps_bad(p, ti, "no address between '[' and ']' in '%s'",
					tcps_quote(word, q, sizeof(q)));
		rest = close + 1;
		/* Not ss's (it takes "/128" for a port): an extension. */
		plen = *rest == '/' ? strcspn(rest, ":") : 0;
		if (plen && memchr(s + 1, '/', len))
			return tcps_bad(p, ti, "two prefix lengths in '%s'",
					tcps_quote(word, q, sizeof(q)));
		if (len + plen >= sizeof(buf))
			return tcps_bad(p, ti, "'%s' is not an IP address",
					tcps_quote(word, q, sizeof(q)));
		memcpy(buf, s + 1, len);
		memcpy(buf + len, rest, plen);
		buf[len + plen] = '\0';
		rest += plen;
		if (*rest && *rest != ':')
			return tcps_bad(p, ti, "unexpected '%s' after ']' in '%s': expected ':PORT' or '/PREFIX' there, or nothing",
					tcps_quote(rest, q, sizeof(q)),
					tcps_quote(word, q2, sizeof(q2)));
		if ((*rest && !tcps_port_text(rest + 1, &h->port, why,
					      sizeof(why))) ||
		    !tcps_addr_text(buf, fam, h, why, sizeof(why)))
			return tcps_bad(p, ti, "%s", why);
		return 0;
	}
	if (*s == '*') {
		/* "*" or "*:PORT"; ss reads "*22" as port 22 too: refused. */
		h->family = 0;
		if (s[1] && s[1] != ':')
			return tcps_bad(p, ti, "unexpected '%s' after '*' in '%s': expected '*' or '*:PORT'",
					tcps_quote(s + 1, q, sizeof(q)),
					tcps_quote(word, q2, sizeof(q2)));
		if (s[1] && !tcps_port_text(s + 2, &h->port, why, sizeof(why)))
			return tcps_bad(p, ti, "%s", why);
		return 0;
	}
	if (strchr(s, '/') || !strchr(s, ':')) {
		if (!tcps_split_text(s, fam, h, why, sizeof(why)))
			return tcps_bad(p, ti, "%s", why);
		return 0;
	}
	/*
	 * A colon and no slash: ss's reading is ADDRESS:PORT at the last
	 * colon, which makes "::ffff:127.0.0.1" a port "127.0.0.1" and an
	 * error there.  Take the whole for an IPv6 address where ss cannot
	 * read it; where both readings work, say so.
	 */
	by_ss = tcps_split_text(s, fam, h, why, sizeof(why));
	whole = inet_pton(AF_INET6, s, a6) == 1;
	if (whole && fam == 4) {
		if (by_ss)
			return 0;
		return tcps_bad(p, ti, "'%s' is not an IPv4 address, and 'inet:' here or before it in the expression makes every later address IPv4, as in ss",
				tcps_quote(word, q, sizeof(q)));
	}
	if (by_ss && whole) {
		len = (size_t)(strrchr(s, ':') - s);
		return tcps_bad(p, ti, "'%s' is ambiguous: ss reads it as address %.*s port %s; write '[%.*s]:%s' for that, or '[%s]' for the IPv6 address",
				tcps_quote(word, q, sizeof(q)), (int)len, s,
				s + len + 1, (int)len, s, s + len + 1, s);
	}
	if (whole) {
		h->family = 6;
		h->bits = 128;
		h->port = -1;
		memcpy(h->addr, a6, sizeof(a6));
		return 0;
	}
	if (by_ss)
		return 0;
	/* Neither: a bad port after a good address is the likelier slip. */
	len = (size_t)(strrchr(s, ':') - s);
	if (len < sizeof(buf)) {
		memcpy(buf, s, len);
		buf[len] = '\0';
		if (tcps_addr_text(buf, fam, &alt, why, sizeof(why)))
			return tcps_bad(p, ti, "%s", why);
	}
	return tcps_bad(p, ti, "'%s' is neither an IP address nor ADDRESS:PORT: write an IPv6 address in brackets, e.g. [::1] or [::1]:22",
			tcps_quote(word, q, sizeof(q)));
}

/* ---- the grammar ---- */

static int tcps_new_node(struct tcps_parser *p, enum tcps_node_type type)
{
	struct tcps_node *n = &p->e->nodes[p->e->nnodes];

	memset(n, 0, sizeof(*n));
	n->type = type;
	n->next = -1;
	n->child = -1;
	n->port = -1;
	return p->e->nnodes++;
}

static bool tcps_is_op(enum tcps_tok_kind k)
{
	return k >= TCPS_T_EQ && k <= TCPS_T_GE;
}

/* src/dst [=] HOST.  ss's grammar has no other operator for them. */
static int tcps_host_cond(struct tcps_parser *p, int kw, int *out)
{
	char n1[TCPS_QUOTE_MAX + 8], n2[TCPS_QUOTE_MAX + 8];
	const char *name = p->toks[kw].text, *s;
	struct tcps_node *n;
	struct tcps_host h;
	int ti;

	if (p->toks[p->cur].kind == TCPS_T_EQ)
		p->cur++;
	else if (tcps_is_op(p->toks[p->cur].kind))
		return tcps_bad(p, p->cur, "'%s' takes no '%s': ss compares addresses with '=' only; for the opposite write 'not %s ADDRESS'",
				name, p->toks[p->cur].text, name);
	ti = p->cur;
	if (p->toks[ti].kind != TCPS_T_WORD)
		return tcps_bad(p, ti, "expected an address after %s, found %s: e.g. '%s 127.0.0.1', '%s 10.0.0.0/8' or '%s [::1]:22'",
				tcps_tok_name(p, ti - 1, n1, sizeof(n1)),
				tcps_tok_name(p, ti, n2, sizeof(n2)),
				name, name, name);
	p->cur++;
	s = p->toks[ti].text;
	if (tcps_family_prefix(p, ti, &s) || tcps_host_word(p, ti, s, &h))
		return -1;
	*out = tcps_new_node(p, TCPS_N_HOST);
	n = &p->e->nodes[*out];
	n->remote = name[0] == 'd';
	n->family = (unsigned char)h.family;
	n->bits = (unsigned char)h.bits;
	n->port = h.port;
	memcpy(n->addr, h.addr, sizeof(n->addr));
	return 0;
}

/*
 * sport/dport [OP] PORT, PORT being ":N", "N" or "*" (any), after an
 * optional "inet:" or "inet6:".  ss turns "!=" into not "=", ">" into
 * not "<=" and "<" into not ">=" (ssfilter.y); so does this.
 */
static int tcps_port_cond(struct tcps_parser *p, int kw, int *out)
{
	char n1[TCPS_QUOTE_MAX + 8], n2[TCPS_QUOTE_MAX + 8];
	char why[TCPS_WHY_MAX];
	const char *name = p->toks[kw].text, *s;
	enum tcps_tok_kind op = TCPS_T_EQ;
	struct tcps_node *n;
	int ti, port;

	if (tcps_is_op(p->toks[p->cur].kind))
		op = p->toks[p->cur++].kind;
	ti = p->cur;
	if (p->toks[ti].kind != TCPS_T_WORD)
		return tcps_bad(p, ti, "expected a port after %s, found %s: e.g. '%s = :22', '%s > :1023'",
				tcps_tok_name(p, ti - 1, n1, sizeof(n1)),
				tcps_tok_name(p, ti, n2, sizeof(n2)),
				name, name);
	p->cur++;
	s = p->toks[ti].text;
	if (tcps_family_prefix(p, ti, &s))
		return -1;
	if (*s == ':')
		s++;
	if (!tcps_port_text(s, &port, why, sizeof(why)))
		return tcps_bad(p, ti, "%s", why);
	if (port < 0 && op != TCPS_T_EQ && op != TCPS_T_NE)
		return tcps_bad(p, ti, "'*' is any port and cannot be compared with '%s': give a number",
				p->toks[ti - 1].text);
	switch (op) {
	case TCPS_T_EQ:
	case TCPS_T_NE:
		*out = tcps_new_node(p, TCPS_N_HOST);
		break;
	case TCPS_T_GE:
	case TCPS_T_LT:
		*out = tcps_new_node(p, TCPS_N_GE);
		break;
	default:
		*out = tcps_new_node(p, TCPS_N_LE);
		break;
	}
	n = &p->e->nodes[*out];
	n->remote = name[0] == 'd';
	n->negate = op == TCPS_T_NE || op == TCPS_T_LT || op == TCPS_T_GT;
	n->port = port;
	return 0;
}

/* A word where a condition should start that is no keyword: why. */
static int tcps_unknown_word(struct tcps_parser *p, int ti)
{
	char q[TCPS_QUOTE_MAX + 4];
	const char *w = p->toks[ti].text;
	size_t i;

	if (!strcmp(w, "state") || !strcmp(w, "exclude") || !strcmp(w, "excl"))
		return tcps_bad(p, ti, "'%s' inside the filter expression: state filters come before it, as in ss: 'state established dport = :22'",
				w);
	for (i = 0; i < ARRAY_SIZE(tcps_keywords); i++)
		if (!strcasecmp(w, tcps_keywords[i]))
			goto lower;
	for (i = 0; i < ARRAY_SIZE(tcps_ops); i++)
		if (!strcasecmp(w, tcps_ops[i].text))
			goto lower;
	w = tcps_quote(w, q, sizeof(q));
	if (w[0] == ':' && w[1] &&
	    strspn(w + 1, "0123456789*") == strlen(w + 1))
		return tcps_bad(p, ti, "'%s' has no 'sport' or 'dport' before it: e.g. 'dport = %s'",
				w, w);
	if (strspn(w, "0123456789abcdefABCDEF:./[]*") == strlen(w) &&
	    (isdigit((unsigned char)w[0]) || strchr(w, ':') ||
	     strchr("[*", w[0])))
		return tcps_bad(p, ti, "'%s' has no 'src' or 'dst' before it: e.g. 'dst %s'",
				w, w);
	return tcps_bad(p, ti, "unknown word '%s': expected a condition (src, dst, sport, dport), 'not' or '('",
			w);
lower:
	return tcps_bad(p, ti, "unknown word '%s': ss's keywords are lower case",
			w);
}

/* ss's conditions on what /proc/tcpstates does not hold. */
static int tcps_unsupported(struct tcps_parser *p, int ti)
{
	static const struct {
		const char *word, *why;
	} words[] = {
		{ "dev", "the device a socket is bound to" },
		{ "fwmark", "socket marks" },
		{ "cgroup", "cgroups" },
		{ "autobound", "whether a port was bound explicitly" },
	};
	const char *w = p->toks[ti].text;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(words); i++)
		if (!strcmp(w, words[i].word))
			return tcps_bad(p, ti, "not supported by tcpstates: '%s' (the file does not hold %s)",
					w, words[i].why);
	return 1;
}

/* Token @ti should have started a condition. */
static int tcps_no_cond(const struct tcps_parser *p, int ti)
{
	char n1[TCPS_QUOTE_MAX + 8], n2[TCPS_QUOTE_MAX + 8];

	return tcps_bad(p, ti, "expected a condition after %s, found %s",
			tcps_tok_name(p, ti - 1, n1, sizeof(n1)),
			tcps_tok_name(p, ti, n2, sizeof(n2)));
}

static int tcps_parse_list(struct tcps_parser *p, int depth, int *out);

/* One condition: what ssfilter.y calls an expr. */
static int tcps_parse_term(struct tcps_parser *p, int depth, int *out)
{
	char n1[TCPS_QUOTE_MAX + 8];
	int ti = p->cur, child, rc;
	const struct tcps_tok *t = &p->toks[ti];

	switch (t->kind) {
	case TCPS_T_LPAREN:
	case TCPS_T_NOT:
		if (depth >= TCPS_EXPR_MAX_DEPTH)
			return tcps_bad(p, ti, "parentheses and 'not' nested deeper than %d",
					TCPS_EXPR_MAX_DEPTH);
		p->cur++;
		if (t->kind == TCPS_T_NOT) {
			if (tcps_parse_term(p, depth + 1, &child))
				return -1;
			*out = tcps_new_node(p, TCPS_N_NOT);
			p->e->nodes[*out].child = child;
			return 0;
		}
		if (tcps_parse_list(p, depth + 1, out))
			return -1;
		if (p->toks[p->cur].kind != TCPS_T_RPAREN)
			return tcps_bad(p, ti, "'(' is never closed: expected ')' before %s",
					tcps_tok_name(p, p->cur, n1, sizeof(n1)));
		p->cur++;
		return 0;
	case TCPS_T_WORD:
		p->cur++;
		if (!strcmp(t->text, "src") || !strcmp(t->text, "dst"))
			return tcps_host_cond(p, ti, out);
		if (!strcmp(t->text, "sport") || !strcmp(t->text, "dport"))
			return tcps_port_cond(p, ti, out);
		rc = tcps_unsupported(p, ti);
		return rc < 0 ? rc : tcps_unknown_word(p, ti);
	case TCPS_T_EQ:
	case TCPS_T_NE:
	case TCPS_T_LT:
	case TCPS_T_GT:
	case TCPS_T_LE:
	case TCPS_T_GE:
		return tcps_bad(p, ti, "'%s' has no 'sport', 'dport', 'src' or 'dst' before it",
				t->text);
	default:
		/* Only "not" leads here with these: "not and", "not )"... */
		return tcps_no_cond(p, ti);
	}
}

/*
 * Conditions joined by "and", "or" or nothing (an implicit "and"), up to
 * ')' or the end: ssfilter.y's exprlist, whose right operand is always
 * one expr, so they group from the left whatever the operators.  Built
 * as a list evaluated in order, not as a tree leaning left: no depth.
 */
static int tcps_parse_list(struct tcps_parser *p, int depth, int *out)
{
	int list = tcps_new_node(p, TCPS_N_LIST), last = -1, term;
	enum tcps_tok_kind k;
	bool join_or;

	for (;;) {
		k = p->toks[p->cur].kind;
		join_or = false;
		if (k == TCPS_T_END || k == TCPS_T_RPAREN) {
			if (last >= 0)
				break;
			if (k == TCPS_T_RPAREN && !depth)
				return tcps_bad(p, p->cur, "')' without a matching '('");
			if (k == TCPS_T_RPAREN)
				return tcps_bad(p, p->cur, "nothing between '(' and ')': expected a condition such as 'dport = :22'");
			return tcps_no_cond(p, p->cur);
		}
		if (k == TCPS_T_AND || k == TCPS_T_OR) {
			if (last < 0)
				return tcps_bad(p, p->cur, "'%s' has no condition before it",
						p->toks[p->cur].text);
			join_or = k == TCPS_T_OR;
			p->cur++;
			k = p->toks[p->cur].kind;
			if (k == TCPS_T_END || k == TCPS_T_RPAREN ||
			    k == TCPS_T_AND || k == TCPS_T_OR)
				return tcps_no_cond(p, p->cur);
		}
		if (tcps_parse_term(p, depth, &term))
			return -1;
		p->e->nodes[term].join_or = join_or;
		if (last < 0)
			p->e->nodes[list].child = term;
		else
			p->e->nodes[last].next = term;
		last = term;
	}
	*out = list;
	return 0;
}

int tcps_expr_parse(int argc, char **argv, struct tcps_expr **out)
{
	struct tcps_parser p = { 0 };
	int rc;

	*out = NULL;
	rc = tcps_tokenize(&p, argc, argv);
	if (rc)
		goto done;
	/* Each node takes a token of its own but the outermost list. */
	p.e = malloc(sizeof(*p.e) + (p.ntoks + 1) * sizeof(p.e->nodes[0]));
	if (!p.e) {
		rc = tcps_oom();
		goto done;
	}
	p.e->root = -1;
	p.e->family = 0;
	p.e->nnodes = 0;
	rc = TCPS_EXIT_USAGE;
	/* No token at all, as ss's "null" rule: every row passes. */
	if (p.ntoks && tcps_parse_list(&p, 0, &p.e->root))
		goto done;
	if (p.cur < p.ntoks) {
		/* The only token a list stops at, other than the end. */
		tcps_bad(&p, p.cur, "')' without a matching '('");
		goto done;
	}
	rc = TCPS_EXIT_OK;
	*out = p.e;
	p.e = NULL;
done:
	free(p.e);
	free(p.toks);
	free(p.words);
	free(p.text);
	return rc;
}

void tcps_expr_free(struct tcps_expr *e)
{
	free(e);
}

/* ---- evaluation ---- */

/* A row's addresses in binary, each parsed once, when first needed. */
struct tcps_row_addrs {
	signed char state[2];	/* 0: not yet; 1: in addr; -1: unreadable */
	unsigned char addr[2][16];
};

/*
 * inet_pton(AF_INET) for the usual text, four plain decimal parts; any
 * other is left to inet_pton() itself, so the same texts are read, to
 * the same addresses.  Reading a million rows spends a quarter of its
 * time in inet_pton(), the reader's own calls included.
 */
static bool tcps_quad(const char *s, unsigned char *a)
{
	const char *p;
	unsigned int v;
	int i;

	for (i = 0; i < 4; i++) {
		/* One to three digits, no leading zero, at most 255. */
		for (v = 0, p = s; *s >= '0' && *s <= '9' && s - p < 3; s++)
			v = v * 10 + (unsigned int)(*s - '0');
		if (s == p || v > 255 || (*p == '0' && s - p > 1))
			return false;
		a[i] = (unsigned char)v;
		if (*s++ != (i == 3 ? '\0' : '.'))
			return false;
	}
	return true;
}

static const unsigned char *tcps_row_addr(const struct tcps_row *row,
					  bool remote,
					  struct tcps_row_addrs *c)
{
	const struct tcps_endpoint *ep = remote ? &row->remote : &row->local;
	unsigned char *a = c->addr[remote];

	if (!c->state[remote])
		c->state[remote] = ((!row->v6 && tcps_quad(ep->addr, a)) ||
				    inet_pton(row->v6 ? AF_INET6 : AF_INET,
					      ep->addr, a) == 1) ? 1 : -1;
	return c->state[remote] > 0 ? a : NULL;
}

/* The first @bits bits of @a and @b are equal: bitstring_match(). */
static bool tcps_prefix_equal(const unsigned char *a, const unsigned char *b,
			      unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;

	if (memcmp(a, b, bytes))
		return false;
	return !rest || !((a[bytes] ^ b[bytes]) & (0xff00u >> rest) & 0xff);
}

static const unsigned char tcps_v4mapped[12] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
};

/* inet_diag_bc_run()'s INET_DIAG_BC_S_COND and _D_COND. */
static bool tcps_host_match(const struct tcps_node *n,
			    const struct tcps_row *row,
			    struct tcps_row_addrs *c)
{
	const struct tcps_endpoint *ep = n->remote ? &row->remote : &row->local;
	const unsigned char *a;

	if (n->port >= 0 && (unsigned int)n->port != ep->port)
		return false;
	if (!n->family)
		return true;
	if (n->family == 6 && !row->v6)
		return false;
	/*
	 * Every text of ::ffff:a.b.c.d spells its 0xffff group out (four
	 * hex digits, at most four to a group): without one, no need to
	 * parse the address to know it is not v4-mapped.
	 */
	if (n->family == 4 && row->v6 && !strcasestr(ep->addr, "ffff"))
		return false;
	a = tcps_row_addr(row, n->remote, c);
	if (!a)
		return false;
	if (n->family == 4 && row->v6) {
		if (memcmp(a, tcps_v4mapped, sizeof(tcps_v4mapped)))
			return false;
		a += sizeof(tcps_v4mapped);
	}
	return tcps_prefix_equal(a, n->addr, n->bits);
}

static bool tcps_eval(const struct tcps_expr *e, const struct tcps_node *n,
		      const struct tcps_row *row, struct tcps_row_addrs *c)
{
	unsigned int port;
	bool v;

	switch (n->type) {
	case TCPS_N_LIST:
		n = &e->nodes[n->child];
		v = tcps_eval(e, n, row, c);
		/* Left to right, and skip what cannot change the value. */
		while (n->next >= 0) {
			n = &e->nodes[n->next];
			if (n->join_or ? !v : v)
				v = tcps_eval(e, n, row, c);
		}
		return v;
	case TCPS_N_NOT:
		return !tcps_eval(e, &e->nodes[n->child], row, c);
	case TCPS_N_HOST:
		return tcps_host_match(n, row, c) != n->negate;
	default:
		port = n->remote ? row->remote.port : row->local.port;
		v = n->type == TCPS_N_GE ? port >= (unsigned int)n->port :
					   port <= (unsigned int)n->port;
		return v != n->negate;
	}
}

bool tcps_expr_match(const struct tcps_expr *e, const struct tcps_row *row)
{
	struct tcps_row_addrs c;

	if ((e->family == 4 && row->v6) || (e->family == 6 && !row->v6))
		return false;
	if (e->root < 0)
		return true;
	c.state[0] = 0;
	c.state[1] = 0;
	return tcps_eval(e, &e->nodes[e->root], row, &c);
}
