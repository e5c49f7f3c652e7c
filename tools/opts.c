// SPDX-License-Identifier: GPL-2.0
/*
 * Command-line parsing.
 *
 * Options are getopt_long()'s, so they may come in any order, around the
 * ss(8)-style "state WORD" / "exclude WORD" pairs, which are applied in
 * the order given as ss applies them.  Every mistake is exit status 2
 * with a message that says what would have been right.
 */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "number.h"
#include "opts.h"
#include "states.h"

#ifndef TCPS_VERSION
#define TCPS_VERSION "unknown"
#endif

enum {
	TCPS_OPT_JSON = 256,
	TCPS_OPT_PROM,
	TCPS_OPT_SPORT,
	TCPS_OPT_DPORT,
	TCPS_OPT_FILE,
	TCPS_OPT_TRANS_FILE,
	TCPS_OPT_EXPLAIN,
	TCPS_OPT_OUTPUT,
	TCPS_OPT_FOLLOW,
	TCPS_OPT_CHECK,
	TCPS_OPT_CLOSE_WAIT,
	TCPS_OPT_ACCEPT_QUEUE,
	TCPS_OPT_IGNORE_BOUND,
};

static const char tcps_short_opts[] = ":46f:tanloepN:sHw:c:hV";

static const struct option tcps_long_opts[] = {
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "family", required_argument, NULL, 'f' },
	{ "tcp", no_argument, NULL, 't' },
	{ "all", no_argument, NULL, 'a' },
	{ "numeric", no_argument, NULL, 'n' },
	{ "listening", no_argument, NULL, 'l' },
	{ "options", no_argument, NULL, 'o' },
	{ "extended", no_argument, NULL, 'e' },
	{ "processes", no_argument, NULL, 'p' },
	{ "net", required_argument, NULL, 'N' },
	{ "sport", required_argument, NULL, TCPS_OPT_SPORT },
	{ "dport", required_argument, NULL, TCPS_OPT_DPORT },
	{ "summary", no_argument, NULL, 's' },
	{ "no-header", no_argument, NULL, 'H' },
	{ "json", no_argument, NULL, TCPS_OPT_JSON },
	{ "prometheus", no_argument, NULL, TCPS_OPT_PROM },
	{ "watch", required_argument, NULL, 'w' },
	{ "count", required_argument, NULL, 'c' },
	{ "file", required_argument, NULL, TCPS_OPT_FILE },
	{ "transitions-file", required_argument, NULL, TCPS_OPT_TRANS_FILE },
	{ "explain", no_argument, NULL, TCPS_OPT_EXPLAIN },
	{ "output", required_argument, NULL, TCPS_OPT_OUTPUT },
	{ "follow", no_argument, NULL, TCPS_OPT_FOLLOW },
	{ "check", no_argument, NULL, TCPS_OPT_CHECK },
	{ "close-wait", required_argument, NULL, TCPS_OPT_CLOSE_WAIT },
	{ "accept-queue", required_argument, NULL, TCPS_OPT_ACCEPT_QUEUE },
	{ "ignore-bound", no_argument, NULL, TCPS_OPT_IGNORE_BOUND },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void tcps_usage(FILE *out)
{
	fputs("Usage: tcpstates [OPTION]... [state WORD | exclude WORD]... [EXPRESSION]\n"
	      "List the TCP sockets of " TCPSTATES_PROC_PATH " (the tcpstates kernel\n"
	      "module), filtered like ss(8), or count them per state.\n"
	      "\n"
	      "Selection (a socket is shown if it passes every filter given):\n"
	      "  state WORD          sockets in state WORD; repeatable, adds states\n"
	      "  exclude WORD        not in state WORD; repeatable, removes states\n"
	      "  -4, --ipv4          tcp (AF_INET) sockets only\n"
	      "  -6, --ipv6          tcp6 (AF_INET6) sockets only, v4-mapped included\n"
	      "  -f, --family FAMILY inet (as -4) or inet6 (as -6)\n"
	      "      --sport PORT    local port PORT (0-65535); repeatable\n"
	      "      --dport PORT    foreign port PORT (0-65535); repeatable\n"
	      "  -t, --tcp           ss's: TCP sockets (all there are here); with it,\n"
	      "                      or -a or -l, the states shown are ss's: without\n"
	      "                      a state word, all but listening, closed,\n"
	      "                      time-wait and syn-recv\n"
	      "  -a, --all           ss's: all states\n"
	      "  -l, --listening     ss's: listening and closed (bound) sockets only\n"
	      "  -n, -o, -e          ss's --numeric, --options and --extended: what\n"
	      "                      this tool always shows (accepted, no effect)\n"
	      "  -p, --processes     the processes holding each socket, as ss -p\n"
	      "                      shows them (another user's: root only)\n"
	      "  -N, --net NAME      the sockets of network namespace NAME (made by\n"
	      "                      ip netns), as ss -N; needs root\n"
	      "EXPRESSION: ss's filter, e.g. 'dport = :443 or src 10.0.0.0/8', with\n"
	      "  src/dst ADDR[/PREFIX][:PORT], sport/dport [OP] [:]PORT (OP = != < > <=\n"
	      "  >= or eq ne lt gt le ge), and, or, not, !, ( ); see tcpstates(8)\n"
	      "WORD is one of the\n", out);
	tcps_print_state_words(out, "  ");
	fputs("\n"
	      "Output (default: the sockets, in the module's table layout):\n"
	      "  -s, --summary       per-state counts instead of the sockets\n"
	      "  -H, --no-header     no column titles\n"
	      "      --json          one JSON document (with -s: the counts only)\n"
	      "      --prometheus    counts as node_exporter textfile metrics, and\n"
	      "                      the transition counters of " TCPSTATES_TRANS_PROC_PATH "\n"
	      "      --transitions-file FILE\n"
	      "                      with --prometheus and --file: read the\n"
	      "                      transition counters from FILE\n"
	      "  -w, --watch SECS    every SECS seconds (0.01 to 86400), until\n"
	      "                      interrupted: the sockets, as netstat -c; with\n"
	      "                      -s the counts and their change since the\n"
	      "                      previous sample\n"
	      "  -c, --count N       with --watch: stop after N samples; with\n"
	      "                      --follow, after N changes\n"
	      "      --follow        the state changes as they happen, each with the\n"
	      "                      time spent in the state it left, from\n"
	      "                      " TCPSTATES_TRANS_FOLLOW_PROC_PATH "; the filters\n"
	      "                      select by the new state and the endpoints\n"
	      "      --file FILE     read FILE, not " TCPSTATES_PROC_PATH "; '-' is stdin\n"
	      "      --check         the sockets worth a look, and a monitoring\n"
	      "                      plugin's status (0 OK, 1 WARNING, 2 CRITICAL,\n"
	      "                      3 UNKNOWN); with --prometheus, as gauges:\n"
	      "      --close-wait WARN[,CRIT]\n"
	      "                      CLOSE_WAIT idle this many seconds (60,3600)\n"
	      "      --accept-queue WARN[,CRIT]\n"
	      "                      a listener's queue at this percent of its limit\n"
	      "                      (80,100; over its limit is always CRITICAL)\n"
	      "      --ignore-bound  no finding for bound sockets (CLOSE rows)\n"
	      "      --output FILE   replace FILE with the output, whole or not at all\n"
	      "                      (a temporary file beside it, renamed): for\n"
	      "                      node_exporter's textfile directory\n"
	      "      --explain [WORD]...\n"
	      "                      what each state (or those WORD selects) means,\n"
	      "                      and when to worry about it\n"
	      "  -h, --help          show this help and exit\n"
	      "  -V, --version       show the version and exit\n"
	      "\n"
	      "Without a filter, counts are the file's own counter block, checked\n"
	      "against its rows; with one, the counts of the selected sockets.\n"
	      "\n"
	      "Exit status:\n"
	      "  0  success\n"
	      "  1  runtime error: the file cannot be read (module not loaded?),\n"
	      "     or the output cannot be written\n"
	      "  2  usage error: unknown option or state word, bad number\n"
	      "  3  malformed input, reported as FILE:LINE: what is wrong\n"
	      "\n"
	      "See tcpstates(8).\n", out);
}

static int tcps_usage_error(void)
{
	fputs("Try '" TCPS_PROG " --help' for more information.\n", stderr);
	return TCPS_EXIT_USAGE;
}

/* The long name of option value @val, for messages. */
static const char *tcps_long_name(int val)
{
	const struct option *o;

	for (o = tcps_long_opts; o->name; o++)
		if (o->val == val)
			return o->name;
	return NULL;
}

/* How many long options start with these @len characters. */
static int tcps_prefix_count(const char *prefix, int len)
{
	const struct option *o;
	int n = 0;

	for (o = tcps_long_opts; o->name; o++)
		n += !strncmp(o->name, prefix, len);
	return n;
}

/*
 * getopt_long() was told to be quiet (opterr = 0) so that messages name
 * the program the same way whatever its file is called.  What it leaves
 * behind differs by case; see getopt(3).
 */
static int tcps_bad_option(int c, char **argv)
{
	const char *arg = argv[optind - 1];
	const char *name;
	int len;

	if (c == ':') {
		/* Only the last argument can lack its value. */
		if (!strncmp(arg, "--", 2))
			tcps_err("option '%s' needs an argument", arg);
		else
			tcps_err("option '-%c' needs an argument", optopt);
	} else if (!optopt) {
		/* An unknown or ambiguous long option: "--name[=value]". */
		len = (int)strcspn(arg, "=");
		tcps_err("%s option '%.*s'",
			 len > 2 && !strncmp(arg, "--", 2) &&
			 tcps_prefix_count(arg + 2, len - 2) > 1 ?
			 "ambiguous" : "unknown", len, arg);
	} else {
		/* A known long option given a value it does not take? */
		name = strncmp(arg, "--", 2) ? NULL : tcps_long_name(optopt);
		if (name && !strncmp(arg + 2, name, strcspn(arg + 2, "=")))
			tcps_err("option '--%s' takes no argument", name);
		else
			tcps_err("unknown option '-%c'",
				 isprint(optopt) ? optopt : '?');
	}
	return tcps_usage_error();
}

static int tcps_bad_state(const char *word)
{
	tcps_err("unknown state '%s'; WORD is one of the", word);
	tcps_print_state_words(stderr, "  ");
	return TCPS_EXIT_USAGE;
}

/*
 * Between two reads: at least 10 ms, so a typo cannot make a busy loop
 * of reads of the whole table; at most a day.
 */
#define TCPS_INTERVAL_MIN_NS	10000000L
#define TCPS_INTERVAL_MAX_S	86400ULL

/* "2", "0.5": seconds, nanosecond precision at most, in the bounds. */
static bool tcps_parse_interval(const char *s, struct timespec *ts)
{
	unsigned long long sec = 0;
	long nsec = 0, scale = 100000000;

	if (!isdigit((unsigned char)*s))
		return false;
	for (; isdigit((unsigned char)*s); s++) {
		sec = sec * 10 + (*s - '0');
		if (sec > TCPS_INTERVAL_MAX_S)
			return false;
	}
	if (*s == '.') {
		if (!isdigit((unsigned char)*++s))
			return false;
		for (; isdigit((unsigned char)*s); s++) {
			if (!scale)
				return false;	/* below a nanosecond */
			nsec += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s || (!sec && nsec < TCPS_INTERVAL_MIN_NS) ||
	    (sec == TCPS_INTERVAL_MAX_S && nsec))
		return false;
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return true;
}

static int tcps_add_port(struct tcps_filter *f, int opt, const char *arg)
{
	bool local = opt == TCPS_OPT_SPORT;
	unsigned int port;

	if (!tcps_parse_port(arg, false, &port)) {
		tcps_err("bad port '%s' for --%s: expected a number from 0 to 65535",
			 arg, local ? "sport" : "dport");
		return tcps_usage_error();
	}
	tcps_filter_port(local ? f->sport : f->dport, port);
	if (local)
		f->sport_given = true;
	else
		f->dport_given = true;
	return -1;
}

/*
 * Remember a selection argument (and its value) in the order given: the
 * text of the "filter" label, which tells two filtered outputs apart.
 */
static void tcps_note(struct tcps_opts *o, const char *arg, const char *val)
{
	size_t old = o->filter_text ? strlen(o->filter_text) : 0;
	size_t len = old + strlen(arg) + (val ? strlen(val) + 1 : 0) + 2;
	char *p = realloc(o->filter_text, len);

	if (!p) {
		tcps_err("out of memory");
		exit(TCPS_EXIT_RUNTIME);
	}
	snprintf(p + old, len - old, "%s%s%s%s", old ? " " : "", arg,
		 val ? " " : "", val ? val : "");
	o->filter_text = p;
}

void tcps_opts_free(struct tcps_opts *o)
{
	free(o->filter_text);
	o->filter_text = NULL;
	tcps_expr_free(o->filter.expr);
	o->filter.expr = NULL;
}

/* --close-wait WARN[,CRIT] and --accept-queue WARN[,CRIT]. */
static int tcps_parse_limits(struct tcps_check_limits *l, int opt,
			     const char *arg)
{
	bool queue = opt == TCPS_OPT_ACCEPT_QUEUE;
	unsigned long long w, c, max = queue ? 100 : 366ULL * 24 * 3600;
	const char *comma = strchr(arg, ',');
	char head[24];

	if (comma && (size_t)(comma - arg) < sizeof(head)) {
		memcpy(head, arg, comma - arg);
		head[comma - arg] = '\0';
	}
	if ((comma ? (size_t)(comma - arg) >= sizeof(head) ||
		     !tcps_parse_u64(head, &w) || !tcps_parse_u64(comma + 1, &c) :
		     !tcps_parse_u64(arg, &w)) ||
	    w > max || (comma && (c > max || c < w)) || (queue && !w)) {
		tcps_err("bad --%s '%s': expected WARN or WARN,CRIT, %s, CRIT not below WARN",
			 queue ? "accept-queue" : "close-wait", arg,
			 queue ? "percents from 1 to 100" :
			 "seconds up to a year");
		return tcps_usage_error();
	}
	if (queue) {
		l->queue_warn = w;
		l->queue_crit = comma ? c : (l->queue_crit < w ? w : l->queue_crit);
	} else {
		l->close_wait_warn = w;
		l->close_wait_crit = comma ? c :
				     (l->close_wait_crit < w ? w : l->close_wait_crit);
	}
	return -1;
}

/* ss -f: the families of TCP sockets are inet and inet6. */
static int tcps_set_family(struct tcps_filter *f, const char *family)
{
	static const char *const others[] = {
		"unix", "link", "netlink", "vsock", "tipc", "xdp"
	};
	size_t i;

	if (!strcmp(family, "inet")) {
		f->v4 = true;
		return -1;
	}
	if (!strcmp(family, "inet6")) {
		f->v6 = true;
		return -1;
	}
	for (i = 0; i < ARRAY_SIZE(others); i++)
		if (!strcmp(family, others[i]))
			break;
	if (i < ARRAY_SIZE(others))
		tcps_err("family '%s' has no TCP sockets: use inet or inet6",
			 family);
	else
		tcps_err("unknown family '%s': expected inet or inet6 (to read a file, use --file)",
			 family);
	return tcps_usage_error();
}

static int tcps_set_format(struct tcps_opts *o, enum tcps_format format)
{
	if (o->format != TCPS_FMT_TEXT && o->format != format) {
		tcps_err("--json and --prometheus exclude each other");
		return tcps_usage_error();
	}
	o->format = format;
	return -1;
}

/* --explain [[state] WORD]...: the states to explain, all by default. */
static int tcps_parse_explain(struct tcps_opts *o, int argc, char **argv)
{
	unsigned int mask;
	int i;

	for (i = optind; i < argc; i++) {
		if (!strcmp(argv[i], "state") && i + 1 < argc)
			i++;
		mask = tcps_state_mask(argv[i]);
		if (!mask)
			return tcps_bad_state(argv[i]);
		o->explain |= mask;
	}
	if (!o->explain)
		o->explain = TCPS_ALL_STATES;
	return -1;
}

/*
 * After the state words, as in ss: the rest is one filter expression.
 * A state word alone is more likely a forgotten "state" than an
 * expression: say so.
 */
static int tcps_parse_expr(struct tcps_opts *o, int argc, char **argv)
{
	int rc, i;

	if (argc == 1 && tcps_state_mask(argv[0])) {
		tcps_err("unexpected argument '%s' (did you mean 'state %s'?)",
			 argv[0], argv[0]);
		return tcps_usage_error();
	}
	rc = tcps_expr_parse(argc, argv, &o->filter.expr);
	if (rc)
		return rc == TCPS_EXIT_USAGE ? tcps_usage_error() : rc;
	for (i = 0; i < argc; i++)
		tcps_note(o, argv[i], NULL);
	return -1;
}

/* What getopt_long() left: "state WORD" and "exclude WORD" pairs, then
 * maybe an expression. */
static int tcps_parse_words(struct tcps_opts *o, int argc, char **argv)
{
	unsigned int mask;
	bool exclude;
	int i;

	for (i = optind; i < argc; i++) {
		const char *w = argv[i];

		if (!strcmp(w, "state")) {
			exclude = false;
		} else if (!strcmp(w, "exclude") || !strcmp(w, "excl")) {
			exclude = true;
		} else {
			return tcps_parse_expr(o, argc - i, argv + i);
		}
		if (++i == argc) {
			tcps_err("'%s' needs a state WORD, one of the", w);
			tcps_print_state_words(stderr, "  ");
			return TCPS_EXIT_USAGE;
		}
		mask = tcps_state_mask(argv[i]);
		if (!mask)
			return tcps_bad_state(argv[i]);
		tcps_filter_state(&o->filter, mask, exclude);
		tcps_note(o, exclude ? "exclude" : "state", argv[i]);
	}
	return -1;
}

/* Combinations that cannot mean anything useful. */
static int tcps_check_combination(const struct tcps_opts *o, bool count)
{
	const char *why = NULL;

	if (count && !o->watch && !o->follow)
		why = "--count only counts --watch samples or --follow changes";
	else if (o->follow && (o->watch || o->summary ||
			       o->format != TCPS_FMT_TEXT || o->output))
		why = "--follow prints lines as they come: not with --watch, -s, --json, --prometheus or --output";
	else if (o->watch && o->format == TCPS_FMT_PROM)
		why = "--watch and --prometheus exclude each other: a textfile collector reads one snapshot per file";
	else if (o->watch && !strcmp(o->file, "-"))
		why = "--watch rereads the file, so it cannot read stdin";
	else if (o->trans_file && o->format != TCPS_FMT_PROM)
		why = "--transitions-file is read for --prometheus only";
	else if (o->output && o->watch)
		why = "--output writes one snapshot: not with --watch";
	else if (o->check && (o->watch || o->follow || o->summary ||
			      o->format == TCPS_FMT_JSON))
		why = "--check reads once and reports findings: not with --watch, --follow, -s or --json";
	if (!why)
		return -1;
	tcps_err("%s", why);
	return tcps_usage_error();
}

int tcps_parse_args(struct tcps_opts *o, int argc, char **argv)
{
	unsigned int ss_states = TCPS_SS_CONN;
	bool count = false, ss_mode = false, explain = false;
	unsigned long long v;
	int c, rc;

	memset(o, 0, sizeof(*o));
	o->file = TCPSTATES_PROC_PATH;
	o->proc_dir = "/proc";
	o->check_limits = (struct tcps_check_limits){
		.close_wait_warn = 60, .close_wait_crit = 3600,
		.queue_warn = 80, .queue_crit = 100,
	};
	tcps_filter_init(&o->filter);

	opterr = 0;
	while ((c = getopt_long(argc, argv, tcps_short_opts, tcps_long_opts,
				NULL)) != -1) {
		switch (c) {
		case '4':
			o->filter.v4 = true;
			tcps_note(o, "-4", NULL);
			break;
		case '6':
			o->filter.v6 = true;
			tcps_note(o, "-6", NULL);
			break;
		case TCPS_OPT_SPORT:
		case TCPS_OPT_DPORT:
			rc = tcps_add_port(&o->filter, c, optarg);
			if (rc >= 0)
				return rc;
			tcps_note(o, c == TCPS_OPT_SPORT ? "--sport" : "--dport",
				  optarg);
			break;
		case 's':
			o->summary = true;
			break;
		case 'H':
			o->no_header = true;
			break;
		case TCPS_OPT_JSON:
			rc = tcps_set_format(o, TCPS_FMT_JSON);
			if (rc >= 0)
				return rc;
			break;
		case TCPS_OPT_PROM:
			rc = tcps_set_format(o, TCPS_FMT_PROM);
			if (rc >= 0)
				return rc;
			break;
		case 'w':
			if (!tcps_parse_interval(optarg, &o->interval)) {
				tcps_err("bad interval '%s' for --watch: expected seconds from 0.01 to 86400, e.g. 2 or 0.5",
					 optarg);
				return tcps_usage_error();
			}
			o->watch = true;
			break;
		case 'c':
			if (!tcps_parse_u64(optarg, &v) || !v) {
				tcps_err("bad count '%s' for --count: expected a number of samples, 1 or more",
					 optarg);
				return tcps_usage_error();
			}
			o->count = v;
			count = true;
			break;
		case 'f':
			rc = tcps_set_family(&o->filter, optarg);
			if (rc >= 0)
				return rc;
			tcps_note(o, "-f", optarg);
			break;
		case TCPS_OPT_FILE:
			o->file = optarg;
			break;
		case TCPS_OPT_TRANS_FILE:
			o->trans_file = optarg;
			break;
		case TCPS_OPT_EXPLAIN:
			explain = true;
			break;
		case TCPS_OPT_OUTPUT:
			o->output = optarg;
			break;
		case TCPS_OPT_FOLLOW:
			o->follow = true;
			break;
		case TCPS_OPT_CHECK:
			o->check = true;
			break;
		case TCPS_OPT_CLOSE_WAIT:
		case TCPS_OPT_ACCEPT_QUEUE:
			rc = tcps_parse_limits(&o->check_limits, c, optarg);
			if (rc >= 0)
				return rc;
			break;
		case TCPS_OPT_IGNORE_BOUND:
			o->check_limits.ignore_bound = true;
			break;
		case 't':
			ss_mode = true;
			tcps_note(o, "-t", NULL);
			break;
		case 'a':
			ss_mode = true;
			ss_states = TCPS_ALL_STATES;
			tcps_note(o, "-a", NULL);
			break;
		case 'l':
			/* ss -l: its "listening" includes unconnected sockets. */
			ss_mode = true;
			ss_states = TCPS_BIT(TCPS_LISTEN) | TCPS_BIT(TCPS_CLOSE);
			tcps_note(o, "-l", NULL);
			break;
		case 'n':
		case 'o':
		case 'e':
			break;
		case 'p':
			o->processes = true;
			break;
		case 'N':
			o->netns = optarg;
			break;
		case 'h':
			tcps_usage(stdout);
			return TCPS_EXIT_OK;
		case 'V':
			printf("tcpstates %s (reads format versions %d to %d)\n",
			       TCPS_VERSION, TCPSTATES_FORMAT_VERSION_MIN,
			       TCPSTATES_FORMAT_VERSION);
			return TCPS_EXIT_OK;
		default:
			return tcps_bad_option(c, argv);
		}
	}
	if (explain)
		return tcps_parse_explain(o, argc, argv);
	rc = tcps_parse_words(o, argc, argv);
	if (rc >= 0)
		return rc;
	/* ss's -t, -a and -l set the states a state word would replace. */
	if (ss_mode && !o->filter.states_given) {
		o->filter.states = ss_states;
		o->filter.states_given = true;
	}
	/* The module's own file: its transition counters come with it. */
	if (o->format == TCPS_FMT_PROM && !o->trans_file &&
	    !strcmp(o->file, TCPSTATES_PROC_PATH))
		o->trans_file = TCPSTATES_TRANS_PROC_PATH;
	return tcps_check_combination(o, count);
}
