// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: row text against golden strings.  The expected lines were made by
 * an independent formatter (Python's ipaddress for RFC 5952 text).
 */
#include <kunit/test.h>
#include <linux/inet.h>

#include "../module/render.c"

struct tcps_render_case {
	const char *what;
	int family;
	const char *src, *dst;
	u16 sport, dport;
	u32 rxq, txq, uid;
	u64 ino;
	u8 state;
	/* proto and queues, local, foreign, state to inode, timer and idle */
	const char *want[5];
	struct {
		u8 timer;
		u32 timer_ms;
		u8 retrans, probes;
		bool has_idle;
		u32 rcv_ms, snd_ms;
	} t;
};

static const struct tcps_render_case tcps_render_cases[] = {
	{ "ipv4 listener, wildcard peer", AF_INET, "127.0.0.1", "0.0.0.0",
	  8080, 0, 0, 0, 0, 12345, TCPS_LISTEN,
	  { "tcp        0      0 ",
	    "127.0.0.1:8080          ",
	    "0.0.0.0:*               ",
	    "LISTEN             0      12345",
	    " off(0.000/0/0)          -\n" },
	  { TCPS_TIMER_OFF, 0, 0, 0, false, 0, 0 } },
	{ "ipv4 port 65535 and 1, queues", AF_INET, "10.1.2.3",
	  "192.168.100.200", 65535, 1, 3, 17, 1000, 4294967296ULL,
	  TCPS_ESTABLISHED,
	  { "tcp        3     17 ",
	    "10.1.2.3:65535          ",
	    "192.168.100.200:1       ",
	    "ESTABLISHED     1000 4294967296",
	    " keepalive(7199.996/0/0) 12.345/0.005\n" },
	  { TCPS_TIMER_KEEPALIVE, 7199996, 0, 0, true, 12345, 5 } },
	{ "ipv6 loopback listener", AF_INET6, "::1", "::", 65535, 0, 0, 0,
	  0, 1, TCPS_LISTEN,
	  { "tcp6       0      0 ",
	    "[::1]:65535             ",
	    "[::]:*                  ",
	    "LISTEN             0          1",
	    " off(0.000/0/0)          -\n" },
	  { TCPS_TIMER_OFF, 0, 0, 0, false, 0, 0 } },
	{ "v4-mapped", AF_INET6, "::ffff:127.0.0.1", "::ffff:127.0.0.1",
	  8080, 52210, 0, 0, 0, 0, TCPS_TIME_WAIT,
	  { "tcp6       0      0 ",
	    "[::ffff:127.0.0.1]:8080 ",
	    "[::ffff:127.0.0.1]:52210 ",
	    "TIME_WAIT          0          0",
	    " timewait(59.996/0/0)    -\n" },
	  { TCPS_TIMER_TIMEWAIT, 59996, 0, 0, false, 0, 0 } },
	{ "full-length ipv6 widens the column", AF_INET6,
	  "2001:db8:1111:2222:3333:4444:5555:6666", "fe80::1", 443, 40000,
	  1, 2, 65534, 0, TCPS_SYN_RECV,
	  { "tcp6       1      2 ",
	    "[2001:db8:1111:2222:3333:4444:5555:6666]:443 ",
	    "[fe80::1]:40000         ",
	    "SYN_RECV       65534          0",
	    " on(1.000/2/0)           -\n" },
	  { TCPS_TIMER_ON, 1000, 2, 0, false, 0, 0 } },
	{ "one zero group stays, first longest run folds", AF_INET6,
	  "2001:db8:0:1:1:1:1:1", "2001:db8:0:0:1:0:0:1", 1, 2, 0, 0, 0, 7,
	  TCPS_FIN_WAIT2,
	  { "tcp6       0      0 ",
	    "[2001:db8:0:1:1:1:1:1]:1 ",
	    "[2001:db8::1:0:0:1]:2   ",
	    "FIN_WAIT2          0          7",
	    " keepalive(60.000/0/0)   0.000/0.000\n" },
	  { TCPS_TIMER_KEEPALIVE, 60000, 0, 0, true, 0, 0 } },
	{ "trailing and leading runs", AF_INET6, "1::", "0:0:1:0:0:0:0:1",
	  80, 81, 0, 0, 0, 7, TCPS_CLOSE_WAIT,
	  { "tcp6       0      0 ",
	    "[1::]:80                ",
	    "[0:0:1::1]:81           ",
	    "CLOSE_WAIT         0          7",
	    " probe(0.200/0/3)        7200.000/7199.999\n" },
	  { TCPS_TIMER_PROBE, 200, 0, 3, true, 7200000, 7199999 } },
	{ "every field at its maximum, port 0", AF_INET, "255.255.255.255",
	  "0.0.0.0", 0, 0, U32_MAX, U32_MAX, U32_MAX, U64_MAX, TCPS_CLOSING,
	  { "tcp   4294967295 4294967295 ",
	    "255.255.255.255:*       ",
	    "0.0.0.0:*               ",
	    "CLOSING     4294967295 18446744073709551615",
	    " probe(4294967.295/255/255) 4294967.295/4294967.295\n" },
	  { TCPS_TIMER_PROBE, U32_MAX, 255, 255, true, U32_MAX, U32_MAX } },
};

static void tcps_render_case_desc(const struct tcps_render_case *c,
				  char *desc)
{
	strscpy(desc, c->what, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tcps_render, tcps_render_cases, tcps_render_case_desc);

static void tcps_parse_addr(struct kunit *test, int family, const char *text,
			    void *addr)
{
	if (family == AF_INET6)
		KUNIT_ASSERT_EQ(test, in6_pton(text, -1, addr, -1, NULL), 1);
	else
		KUNIT_ASSERT_EQ(test, in4_pton(text, -1, addr, -1, NULL), 1);
}

static void tcps_render_golden(struct kunit *test)
{
	const struct tcps_render_case *c = test->param_value;
	struct tcps_row row = {
		.family = c->family, .sport = c->sport, .dport = c->dport,
		.rxq = c->rxq, .txq = c->txq, .uid = c->uid, .ino = c->ino,
		.state = c->state, .timer = c->t.timer, .timer_ms = c->t.timer_ms,
		.retrans = c->t.retrans, .probes = c->t.probes,
		.has_idle = c->t.has_idle, .idle_rcv_ms = c->t.rcv_ms,
		.idle_snd_ms = c->t.snd_ms,
	};
	/* Poisoned, so a byte written past the returned length shows up. */
	char buf[TCPS_ROW_MAX + 16], want[TCPS_ROW_MAX + 1];
	size_t len;

	tcps_parse_addr(test, c->family, c->src, &row.src);
	tcps_parse_addr(test, c->family, c->dst, &row.dst);
	KUNIT_ASSERT_LT(test, snprintf(want, sizeof(want), "%s%s%s%s%s",
				       c->want[0], c->want[1], c->want[2],
				       c->want[3], c->want[4]), (int)sizeof(want));
	memset(buf, 0x5a, sizeof(buf));
	len = tcps_render_row(buf, &row);

	KUNIT_ASSERT_LE(test, len, TCPS_ROW_MAX);
	KUNIT_EXPECT_EQ(test, len, strlen(want));
	KUNIT_EXPECT_MEMEQ(test, buf, want, min(len, strlen(want)));
	KUNIT_EXPECT_EQ(test, buf[len], 0x5a);
}

static struct kunit_case tcps_render_test_cases[] = {
	KUNIT_CASE_PARAM(tcps_render_golden, tcps_render_gen_params),
	{}
};

static struct kunit_suite tcps_render_suite = {
	.name = "tcpstates_render",
	.test_cases = tcps_render_test_cases,
};

kunit_test_suite(tcps_render_suite);
