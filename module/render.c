// SPDX-License-Identifier: GPL-2.0
/*
 * Text of /proc/tcpstates: the title, one line per row, the counters.
 *
 * Rows are formatted by hand into a stack buffer and written with one
 * seq_write(): a row is the per-socket cost of a read, and vsnprintf()'s
 * format parsing would be most of it at a million sockets.
 */
#include <linux/in.h>
#include <linux/in6.h>
#include <linux/kernel.h>
#include <linux/seq_file.h>
#include <linux/string.h>
#include <linux/tcpstates.h>
#include <net/ipv6.h>

#include "compat_hex.h"
#include "tcpstates.h"

/* Column widths: netstat's, so the output lines up the same way. */
#define TCPS_W_PROTO	5
#define TCPS_W_QUEUE	6
#define TCPS_W_ADDR	23
#define TCPS_W_UID	8
#define TCPS_W_INODE	10
#define TCPS_W_TIMER	23	/* "keepalive(7199.996/0/0)" fits */

static const char *const tcps_timer_names[] = TCPS_TIMER_NAMES;

static char *tcps_put_u64(char *p, u64 v)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

static char *tcps_put_str(char *p, const char *s)
{
	size_t n = strlen(s);

	memcpy(p, s, n);
	return p + n;
}

/* Milliseconds as seconds with three decimals: "12.345". */
static char *tcps_put_ms(char *p, u32 ms)
{
	p = tcps_put_u64(p, ms / 1000);
	*p++ = '.';
	*p++ = '0' + ms / 100 % 10;
	*p++ = '0' + ms / 10 % 10;
	*p++ = '0' + ms % 10;
	return p;
}

/* Spaces from @start up to @width columns. */
static char *tcps_pad(char *start, char *p, unsigned int width)
{
	while ((unsigned int)(p - start) < width)
		*p++ = ' ';
	return p;
}

/* A number right-aligned in @width columns, after one separating space. */
static char *tcps_put_num_col(char *p, u64 v, unsigned int width)
{
	char digits[20];
	unsigned int n = tcps_put_u64(digits, v) - digits;

	*p++ = ' ';
	while (n < width--)
		*p++ = ' ';
	memcpy(p, digits, n);
	return p + n;
}

static char *tcps_put_ipv4(char *p, __be32 addr)
{
	const u8 *b = (const u8 *)&addr;
	int i;

	for (i = 0; i < 4; i++) {
		if (i)
			*p++ = '.';
		p = tcps_put_u64(p, b[i]);
	}
	return p;
}

static char *tcps_put_hex16(char *p, u16 v)
{
	bool started = false;
	int shift;

	for (shift = 12; shift >= 0; shift -= 4) {
		unsigned int nib = (v >> shift) & 0xf;

		if (nib || started || !shift) {
			*p++ = hex_asc[nib];
			started = true;
		}
	}
	return p;
}

/*
 * RFC 5952 text: lower-case hex without leading zeros, the first longest
 * run of two or more zero groups as "::", and an IPv4-mapped address
 * with its IPv4 part dotted ("::ffff:192.0.2.1").
 */
static char *tcps_put_ipv6(char *p, const struct in6_addr *a)
{
	int best = -1, best_len = 1, run = 0, i;

	if (ipv6_addr_v4mapped(a)) {
		p = tcps_put_str(p, "::ffff:");
		return tcps_put_ipv4(p, a->s6_addr32[3]);
	}

	for (i = 0; i < 8; i++) {
		run = a->s6_addr16[i] ? 0 : run + 1;
		if (run > best_len) {
			best_len = run;
			best = i - run + 1;
		}
	}

	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		p = tcps_put_hex16(p, ntohs(a->s6_addr16[i]));
		if (i < 7)
			*p++ = ':';
	}
	return p;
}

/* "a.b.c.d:port" or "[v6]:port", port 0 as "*", padded to a column. */
static char *tcps_put_endpoint(char *p, const struct tcps_row *row,
			       const void *addr, u16 port)
{
	char *start;

	*p++ = ' ';
	start = p;
	if (row->family == AF_INET6) {
		*p++ = '[';
		p = tcps_put_ipv6(p, addr);
		*p++ = ']';
	} else {
		p = tcps_put_ipv4(p, *(const __be32 *)addr);
	}
	*p++ = ':';
	if (port)
		p = tcps_put_u64(p, port);
	else
		*p++ = '*';
	return tcps_pad(start, p, TCPS_W_ADDR);
}

/**
 * tcps_render_row - format one row
 * @buf: at least TCPS_ROW_MAX bytes
 * @row: the row
 *
 * Return: the length written, newline included; @buf is not terminated.
 */
size_t tcps_render_row(char *buf, const struct tcps_row *row)
{
	char *p = buf, *col;

	p = tcps_put_str(p, row->family == AF_INET6 ? "tcp6" : "tcp");
	p = tcps_pad(buf, p, TCPS_W_PROTO);
	p = tcps_put_num_col(p, row->rxq, TCPS_W_QUEUE);
	p = tcps_put_num_col(p, row->txq, TCPS_W_QUEUE);
	p = tcps_put_endpoint(p, row, &row->src, row->sport);
	p = tcps_put_endpoint(p, row, &row->dst, row->dport);
	*p++ = ' ';
	col = p;
	p = tcps_put_str(p, tcps_state_name(row->state));
	p = tcps_pad(col, p, TCPS_STATE_NAME_MAX);
	p = tcps_put_num_col(p, row->uid, TCPS_W_UID);
	p = tcps_put_num_col(p, row->ino, TCPS_W_INODE);

	/* Timer: "on(0.204/0/0)", netstat -o's figures in one word. */
	*p++ = ' ';
	col = p;
	p = tcps_put_str(p, tcps_timer_names[min_t(unsigned int, row->timer,
						   TCPS_TIMER_LAST)]);
	*p++ = '(';
	p = tcps_put_ms(p, row->timer_ms);
	*p++ = '/';
	p = tcps_put_u64(p, row->retrans);
	*p++ = '/';
	p = tcps_put_u64(p, row->probes);
	*p++ = ')';
	p = tcps_pad(col, p, TCPS_W_TIMER);

	/* Idle: "rcv/snd" seconds, or "-". */
	*p++ = ' ';
	if (row->has_idle) {
		p = tcps_put_ms(p, row->idle_rcv_ms);
		*p++ = '/';
		p = tcps_put_ms(p, row->idle_snd_ms);
	} else {
		*p++ = '-';
	}
	*p++ = '\n';
	return p - buf;
}

/**
 * tcps_render_header - the title line and the column titles
 * @m: the seq_file
 * @netns_inum: inode number of the netns, as in /proc/PID/ns/net
 */
void tcps_render_header(struct seq_file *m, unsigned int netns_inum)
{
	seq_printf(m, "%s %u: TCP sockets of net namespace %u\n",
		   TCPSTATES_MAGIC, TCPSTATES_FORMAT_VERSION, netns_inum);
	seq_printf(m, "%-*s %*s %*s %-*s %-*s %-*s %*s %*s %-*s %s\n",
		   TCPS_W_PROTO, "Proto", TCPS_W_QUEUE, "Recv-Q",
		   TCPS_W_QUEUE, "Send-Q", TCPS_W_ADDR, "Local Address",
		   TCPS_W_ADDR, "Foreign Address", TCPS_STATE_NAME_MAX, "State",
		   TCPS_W_UID, "UID", TCPS_W_INODE, "Inode",
		   TCPS_W_TIMER, "Timer", "Idle");
}

/**
 * tcps_render_counts - the counter block after the rows
 * @m: the seq_file
 * @counts: rows per TCPS_* id, TCPS_STATE_SLOTS entries
 */
void tcps_render_counts(struct seq_file *m, const u64 *counts)
{
	u64 total = 0;
	unsigned int id;

	seq_printf(m, "\n%-*s %7s\n", TCPS_STATE_NAME_MAX,
		   TCPSTATES_COUNT_TITLE, "Count");
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		seq_printf(m, "%-*s %7llu\n", TCPS_STATE_NAME_MAX,
			   tcps_state_name(id), counts[id]);
		total += counts[id];
	}
	seq_printf(m, "%-*s %7llu\n", TCPS_STATE_NAME_MAX,
		   TCPSTATES_TOTAL_NAME, total);
}
