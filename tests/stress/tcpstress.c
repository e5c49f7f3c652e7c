// SPDX-License-Identifier: GPL-2.0
/*
 * tcpstress - load and checking reader of the tcpstates stress test.
 *
 *   tcpstress churn --seconds S [--netns K] [--procs P]
 *   tcpstress read --seconds S [--file F] [--bufsizes N,N,...]
 *                  [--hold-open] [--any-netns] [--no-dup-check]
 *   tcpstress exact --seconds S [--pairs N] [--churners C] [--readers R]
 *                   [--unshare]
 *   tcpstress partial --pairs N --cgroup DIR
 *
 * "churn" opens and closes loopback TCP connections as fast as it can, in
 * orders that take sockets through the states a connection passes, while
 * network namespaces are created and destroyed under it.
 *
 * "read" reads a tcpstates file over and over and checks every complete
 * read against the format of <linux/tcpstates.h>: the grammar of each
 * line, the counters against the rows, and that no connection is shown
 * twice (the module's promise, which only a lockless walk can break).
 * A read cut short because the module went away is stale, not wrong: the
 * stress test unloads the module while readers hold the file open.
 *
 * "exact" holds known connections (in a new netns with --unshare) while
 * churn workers and checking readers run beside them, and checks that
 * every read shows each held socket exactly once (see cmd_exact()).
 *
 * "partial" reads as a user in a small memory cgroup (see cmd_partial()).
 *
 * The others run until their deadline; "read --seconds 0" reads once.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/tcpstates.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))
#define fallthrough	__attribute__((__fallthrough__))

static const char *const state_names[TCPS_STATE_SLOTS] = TCPS_STATE_NAMES;

static __printf(1, 2) __noreturn void die(const char *fmt, ...);
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tcpstress: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static __noreturn void usage(void)
{
	fprintf(stderr,
		"usage: tcpstress churn --seconds S [--netns K] [--procs P]\n"
		"       tcpstress read --seconds S [--file F] [--bufsizes N,N,...]\n"
		"                      [--hold-open] [--any-netns] [--no-dup-check]\n"
		"       tcpstress exact --seconds S [--pairs N] [--churners C]\n"
		"                       [--readers R] [--unshare]\n"
		"       tcpstress partial --pairs N --cgroup DIR\n");
	exit(2);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* A decimal option value in [min, max], or usage(). */
static unsigned long opt_num(const char *name, const char *s,
			     unsigned long min, unsigned long max)
{
	unsigned long v;
	char *end;

	if (!s)
		usage();
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || v < min || v > max)
		die("%s wants a number from %lu to %lu, not '%s'", name, min, max, s);
	return v;
}

/* ---- sysctls ---- */

static int file_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return 0;
}

static int file_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -1;
}

/*
 * Net sysctls are per netns: these are set in every namespace churn uses,
 * and put back afterwards in the one it started in.
 */
struct knob {
	const char *path;
	const char *value;
	char saved[64];
	bool changed;
};

#define PORT_RANGE	"/proc/sys/net/ipv4/ip_local_port_range"
#define TW_REUSE	"/proc/sys/net/ipv4/tcp_tw_reuse"
#define TW_MAX		"/proc/sys/net/ipv4/tcp_max_tw_buckets"
#define CHILD_EHASH	"/proc/sys/net/ipv4/tcp_child_ehash_entries"
#define EHASH_ENTRIES	"/proc/sys/net/ipv4/tcp_ehash_entries"

static void knobs_set(struct knob *k, size_t n, bool quiet)
{
	for (; n--; k++) {
		if (file_read(k->path, k->saved, sizeof(k->saved)))
			continue;
		if (file_write(k->path, k->value)) {
			if (!quiet)
				fprintf(stderr, "churn: cannot set %s to %s: %s\n",
					k->path, k->value, strerror(errno));
			continue;
		}
		k->changed = true;
	}
}

static void knobs_restore(struct knob *k, size_t n)
{
	for (; n--; k++)
		if (k->changed && file_write(k->path, k->saved))
			fprintf(stderr, "churn: cannot restore %s: %s\n",
				k->path, strerror(errno));
}

/* ---- churn: sockets ---- */

/* A handshake step over loopback takes microseconds; this is a hang. */
#define IO_WAIT_MS	1000
/* Connections each worker keeps parked in a half-finished state. */
#define RING_SLOTS	16
#define MAIN_BACKLOG	128
/* Connections through a listener before it is closed and replaced. */
#define MAIN_USES	512
/* The same for listeners left with unaccepted children; < SIDE_BACKLOG. */
#define SIDE_USES	8
#define SIDE_BACKLOG	16
#define DEFER_SECONDS	600
/* Bytes left unread in a parked connection: a non-zero Recv-Q. */
#define PARK_DATA	100
/* Errors each worker describes on stderr; the rest are only counted. */
#define ERR_REPORTS	5
#define NETNS_SWAP_MS	1000
/* unshare() alone takes 0.4 s on a KASAN kernel under TCG, unloaded. */
#define NETNS_READY_MS	30000
/* Per-netns ehash size for half of the namespaces. */
#define NETNS_EHASH	"1024"
/* TIME_WAIT sockets allowed: the rest close at once, without one. */
#define MAIN_TW_MAX	"4096"
#define NETNS_TW_MAX	"1024"

/* Counters shared by all churn processes. */
struct shared {
	unsigned long conns;
	unsigned long errors;
};

/* How clients reach a listener. */
struct route {
	const char *name;
	int lfamily, cfamily;
	const char *laddr, *caddr;
	bool dual;		/* a dual-stack IPv6 listener */
};

enum { R_V4, R_V6, R_MAPPED, R_COUNT };

static const struct route routes[R_COUNT] = {
	[R_V4] = { "ipv4", AF_INET, AF_INET, "127.0.0.1", "127.0.0.1", false },
	[R_V6] = { "ipv6", AF_INET6, AF_INET6, "::1", "::1", false },
	/* An IPv4 client of an IPv6 listener: v4-mapped tcp6 rows. */
	[R_MAPPED] = { "v4-mapped", AF_INET6, AF_INET, "::", "127.0.0.1", true },
};

/* Clients alternate IPv4 and IPv6; every other IPv4 one goes v4-mapped. */
static const unsigned char route_cycle[] = { R_V4, R_V6, R_MAPPED, R_V6 };

enum {
	L_MAIN,		/* accepted connections */
	L_PENDING,	/* connections never accepted */
	L_DEFER,	/* TCP_DEFER_ACCEPT: the server side stays SYN_RECV */
	L_FULL,		/* accept queue full: clients stay SYN_SENT */
	L_KINDS,
};

struct lsock {
	int fd;
	int filler;		/* L_FULL: the connection filling its queue */
	unsigned int uses;
	struct sockaddr_storage dst;	/* where its clients connect */
	socklen_t dst_len;
};

struct parked {
	int c, s;
};

struct worker {
	char name[24];
	struct shared *sh;
	struct lsock ls[R_COUNT][L_KINDS];
	struct parked ring[RING_SLOTS];
	unsigned int ring_next;
	unsigned long iter, evictions;
	unsigned int reported;
};

static void worker_err(struct worker *w, const struct route *r,
		       const char *what)
{
	__atomic_add_fetch(&w->sh->errors, 1, __ATOMIC_RELAXED);
	if (w->reported++ < ERR_REPORTS)
		fprintf(stderr, "churn: %s: %s %s: %s\n", w->name, r->name,
			what, strerror(errno));
}

static socklen_t make_addr(struct sockaddr_storage *ss, int family,
			   const char *ip, uint16_t port)
{
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, ip, &sin->sin_addr);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &sin6->sin6_addr);
	return sizeof(*sin6);
}

static uint16_t port_of(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)ss)->sin_port);
	return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

static uint16_t local_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		return 0;
	return port_of(&ss);
}

static void set_int(int fd, int level, int name, int val)
{
	setsockopt(fd, level, name, &val, sizeof(val));
}

/* close() then sends a RST and leaves no TIME_WAIT socket. */
static void set_linger0(int fd)
{
	struct linger lg = { .l_onoff = 1, .l_linger = 0 };

	if (fd >= 0)
		setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
}

/* 1: ready, 0: timed out (errno ETIMEDOUT), -1: poll failed. */
static int wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int n;

	do {
		n = poll(&p, 1, ms);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		errno = ETIMEDOUT;
	return n;
}

static int lsock_open(struct worker *w, const struct route *r,
		      struct lsock *l, int kind)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(&ss, r->lfamily, r->laddr, 0);
	int backlog = kind == L_MAIN ? MAIN_BACKLOG : SIDE_BACKLOG;

	l->fd = socket(r->lfamily, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		worker_err(w, r, "listener socket");
		return -1;
	}
	if (r->dual)
		set_int(l->fd, IPPROTO_IPV6, IPV6_V6ONLY, 0);
	if (kind == L_DEFER)
		set_int(l->fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, DEFER_SECONDS);
	/* Backlog 0 holds one child: the filler makes the queue full. */
	if (kind == L_FULL)
		backlog = 0;
	if (bind(l->fd, (struct sockaddr *)&ss, len) || listen(l->fd, backlog) ||
	    getsockname(l->fd, (struct sockaddr *)&ss, &len)) {
		worker_err(w, r, "listener bind/listen");
		close_fd(&l->fd);
		return -1;
	}
	l->dst_len = make_addr(&l->dst, r->cfamily, r->caddr, port_of(&ss));
	l->uses = 0;
	return 0;
}

/* A client of @l; with @wait, only once its handshake is done. */
static int client_open(struct worker *w, const struct route *r,
		       struct lsock *l, bool wait)
{
	int fd = socket(r->cfamily, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0) {
		worker_err(w, r, "client socket");
		return -1;
	}
	l->uses++;
	if (connect(fd, (struct sockaddr *)&l->dst, l->dst_len) &&
	    errno != EINPROGRESS) {
		worker_err(w, r, "connect");
		close(fd);
		return -1;
	}
	if (!wait)
		return fd;
	if (wait_fd(fd, POLLOUT, IO_WAIT_MS) <= 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
		if (err)
			errno = err;
		worker_err(w, r, "connect wait");
		set_linger0(fd);
		close(fd);
		return -1;
	}
	return fd;
}

static void lsock_close(struct lsock *l)
{
	/* Closing the listener first resets its pending children. */
	close_fd(&l->fd);
	close_fd(&l->filler);
}

/* The listener of @kind for @r, replaced once it has served its uses. */
static struct lsock *lsock_get(struct worker *w, const struct route *r,
			       struct lsock *ls, int kind)
{
	struct lsock *l = &ls[kind];
	unsigned int limit = kind == L_MAIN ? MAIN_USES : SIDE_USES;

	if (l->fd >= 0 && l->uses < limit)
		return l;
	lsock_close(l);
	if (lsock_open(w, r, l, kind)) {
		/* E.g. ::1 not yet on lo: do not spin on it. */
		sleep_ms(10);
		return NULL;
	}
	if (kind == L_FULL) {
		l->filler = client_open(w, r, l, true);
		if (l->filler < 0) {
			lsock_close(l);
			return NULL;
		}
	}
	return l;
}

/* The accepted end of client @c, skipping strays of failed attempts. */
static int accept_peer(struct worker *w, const struct route *r,
		       struct lsock *l, int c)
{
	uint16_t want = local_port(c);
	struct sockaddr_storage peer;
	socklen_t len;
	int tries, s;

	for (tries = 0; tries < 8; tries++) {
		if (wait_fd(l->fd, POLLIN, IO_WAIT_MS) <= 0)
			break;
		len = sizeof(peer);
		s = accept4(l->fd, (struct sockaddr *)&peer, &len,
			    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (s < 0 && (errno == EAGAIN || errno == ECONNABORTED))
			continue;
		if (s < 0)
			break;
		if (port_of(&peer) == want)
			return s;
		close(s);
	}
	worker_err(w, r, "accept");
	return -1;
}

static void count_conn(struct worker *w)
{
	__atomic_add_fetch(&w->sh->conns, 1, __ATOMIC_RELAXED);
}

/* An ESTABLISHED pair through the main listener. */
static int pair_open(struct worker *w, const struct route *r,
		     struct lsock *ls, int *c, int *s)
{
	struct lsock *l = lsock_get(w, r, ls, L_MAIN);

	if (!l)
		return -1;
	*c = client_open(w, r, l, true);
	if (*c < 0)
		return -1;
	*s = accept_peer(w, r, l, *c);
	if (*s < 0) {
		set_linger0(*c);
		close_fd(c);
		return -1;
	}
	count_conn(w);
	return 0;
}

/* Close a parked connection, in one of four ways. */
static void evict(struct worker *w, struct parked *p)
{
	unsigned long n = w->evictions++;

	if (n & 1)
		set_linger0(p->c);
	if (n & 2) {
		close_fd(&p->s);
		close_fd(&p->c);
	} else {
		close_fd(&p->c);
		close_fd(&p->s);
	}
}

/* Keep @c and @s open for a while, so readers see them in that state. */
static void park(struct worker *w, int c, int s)
{
	struct parked *p = &w->ring[w->ring_next];

	w->ring_next = (w->ring_next + 1) % RING_SLOTS;
	evict(w, p);
	p->c = c;
	p->s = s;
}

enum {
	CLIENT_FIRST,	/* client FIN_WAIT2 -> TIME_WAIT, server LAST_ACK */
	SERVER_FIRST,	/* the same the other way round */
	RESET_CLIENT,	/* RSTs: no TIME_WAIT */
	RESET_SERVER,
	PARK_HALF,	/* client FIN_WAIT2, server CLOSE_WAIT */
	PARK_ORPHAN,	/* orphaned client FIN_WAIT2, server CLOSE_WAIT */
	PARK_DATA_Q,	/* ESTABLISHED with unread data */
};

static void pat_pair(struct worker *w, const struct route *r,
		     struct lsock *ls, int how)
{
	static const char data[PARK_DATA];
	int c, s;

	if (pair_open(w, r, ls, &c, &s))
		return;
	switch (how) {
	case RESET_CLIENT:
		set_linger0(c);
		fallthrough;
	case CLIENT_FIRST:
		close(c);
		close(s);
		break;
	case RESET_SERVER:
		set_linger0(s);
		fallthrough;
	case SERVER_FIRST:
		close(s);
		close(c);
		break;
	case PARK_HALF:
		shutdown(c, SHUT_WR);
		park(w, c, s);
		break;
	case PARK_ORPHAN:
		close(c);
		park(w, -1, s);
		break;
	default:
		if (write(c, data, sizeof(data)) < 0)
			worker_err(w, r, "write");
		park(w, c, s);
		break;
	}
}

/* The client is ESTABLISHED, the server end a SYN_RECV request socket. */
static void pat_defer(struct worker *w, const struct route *r,
		      struct lsock *ls, int how)
{
	struct lsock *l = lsock_get(w, r, ls, L_DEFER);
	int c;

	(void)how;
	if (!l)
		return;
	c = client_open(w, r, l, true);
	if (c < 0)
		return;
	count_conn(w);
	park(w, c, -1);
}

/*
 * Connections nobody accepts: children wait in the accept queue until
 * their listener is replaced, which resets them.
 */
static void pat_pending(struct worker *w, const struct route *r,
			struct lsock *ls, int how)
{
	struct lsock *l = lsock_get(w, r, ls, L_PENDING);
	int c;

	(void)how;
	if (!l)
		return;
	c = client_open(w, r, l, true);
	if (c < 0)
		return;
	count_conn(w);
	if (l->uses & 1)
		close(c);
	else
		park(w, c, -1);
}

/* The SYN is dropped by a full accept queue: the client stays SYN_SENT. */
static void pat_syn_sent(struct worker *w, const struct route *r,
			 struct lsock *ls, int how)
{
	struct lsock *l = lsock_get(w, r, ls, L_FULL);
	int c;

	(void)how;
	if (!l)
		return;
	c = client_open(w, r, l, false);
	if (c >= 0)
		park(w, c, -1);
}

static const struct pattern {
	void (*run)(struct worker *w, const struct route *r,
		    struct lsock *ls, int how);
	int how;
} patterns[] = {
	{ pat_pair, CLIENT_FIRST },
	{ pat_pair, SERVER_FIRST },
	{ pat_pair, PARK_HALF },
	{ pat_pair, RESET_CLIENT },
	{ pat_defer, 0 },
	{ pat_pair, PARK_ORPHAN },
	{ pat_pair, RESET_SERVER },
	{ pat_pending, 0 },
	{ pat_pair, PARK_DATA_Q },
	{ pat_syn_sent, 0 },
};

static void churn_once(struct worker *w)
{
	size_t nroutes = ARRAY_SIZE(route_cycle);
	unsigned int ri = route_cycle[w->iter % nroutes];
	const struct pattern *p = &patterns[(w->iter / nroutes) % ARRAY_SIZE(patterns)];

	p->run(w, &routes[ri], w->ls[ri], p->how);
	w->iter++;
}

static void worker_run(struct shared *sh, const char *name, uint64_t deadline)
{
	struct worker w;
	unsigned int i, j;

	memset(&w, 0, sizeof(w));
	snprintf(w.name, sizeof(w.name), "%s", name);
	w.sh = sh;
	for (i = 0; i < R_COUNT; i++) {
		for (j = 0; j < L_KINDS; j++) {
			w.ls[i][j].fd = -1;
			w.ls[i][j].filler = -1;
		}
	}
	for (i = 0; i < RING_SLOTS; i++) {
		w.ring[i].c = -1;
		w.ring[i].s = -1;
	}

	while (now_ms() < deadline)
		churn_once(&w);

	for (i = 0; i < RING_SLOTS; i++)
		evict(&w, &w.ring[i]);
	for (i = 0; i < R_COUNT; i++)
		for (j = 0; j < L_KINDS; j++)
			lsock_close(&w.ls[i][j]);
}

/* ---- churn: processes and namespaces ---- */

static int lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int err = -1;

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (!ioctl(fd, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return err;
}

struct churn {
	struct shared *sh;
	uint64_t deadline;
	unsigned int nprocs, nnetns;
	pid_t *procs, *netns;
	bool child_ehash;	/* the kernel has tcp_child_ehash_entries */
	unsigned long netns_created, netns_own_ehash, netns_failed;
	unsigned long deaths;
};

static struct knob main_knobs[] = {
	{ PORT_RANGE, "1024 65535", "", false },
	{ TW_REUSE, "1", "", false },
	{ TW_MAX, MAIN_TW_MAX, "", false },
};

static struct knob ehash_knob = { CHILD_EHASH, "0", "", false };

/* A churn process must die with its parent, whatever killed that. */
static void child_setup(void)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() == 1)
		_exit(1);
}

static __noreturn void netns_child(struct churn *ch, unsigned int slot,
				   int ready)
{
	struct knob knobs[] = {
		{ PORT_RANGE, "1024 65535", "", false },
		{ TW_REUSE, "1", "", false },
		{ TW_MAX, NETNS_TW_MAX, "", false },
	};
	char name[24];

	child_setup();
	if (unshare(CLONE_NEWNET) || lo_up()) {
		fprintf(stderr, "churn: new netns: %s\n", strerror(errno));
		_exit(1);
	}
	knobs_set(knobs, ARRAY_SIZE(knobs), false);
	if (write(ready, "r", 1) != 1)
		_exit(1);
	close(ready);
	snprintf(name, sizeof(name), "netns%u", slot);
	worker_run(ch->sh, name, ch->deadline);
	_exit(0);
}

/*
 * A worker in a new netns.  Every other one gets its own established
 * hash: tcp_child_ehash_entries of the creator's netns is read when the
 * child netns is made, so it is set here and the child's unshare() is
 * awaited before the next one changes it.
 */
static pid_t netns_spawn(struct churn *ch, unsigned int slot)
{
	bool own = ch->child_ehash && !(ch->netns_created & 1);
	int p[2];
	char c = 0;
	pid_t pid;

	if (ch->child_ehash && file_write(CHILD_EHASH, own ? NETNS_EHASH : "0"))
		own = false;
	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(p[0]);
		netns_child(ch, slot, p[1]);
	}
	close(p[1]);
	if (wait_fd(p[0], POLLIN, NETNS_READY_MS) <= 0 || read(p[0], &c, 1) != 1)
		c = 0;
	close(p[0]);
	if (c != 'r') {
		if (!ch->netns_failed)
			fprintf(stderr, "churn: netns%u: no new netns within %d ms\n",
				slot, NETNS_READY_MS);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ch->netns_failed++;
		return -1;
	}
	ch->netns_created++;
	ch->netns_own_ehash += own;
	return pid;
}

/* Reap @pid; a worker that did not exit 0 by itself is worth a line. */
static void reap(struct churn *ch, pid_t pid, bool killed)
{
	int status;

	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return;
	if (killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		return;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		return;
	ch->deaths++;
	fprintf(stderr, "churn: worker %d ended with status 0x%x\n", pid, status);
}

/* Abandon a netns: its only process dies, the kernel dismantles it. */
static void netns_swap(struct churn *ch, unsigned int slot)
{
	pid_t pid = ch->netns[slot];

	if (pid > 0) {
		int status;

		/* Exited on its own already?  Then it failed. */
		if (waitpid(pid, &status, WNOHANG) == pid) {
			ch->deaths++;
			fprintf(stderr, "churn: netns worker %d ended early with status 0x%x\n",
				pid, status);
		} else {
			kill(pid, SIGKILL);
			reap(ch, pid, true);
		}
	}
	ch->netns[slot] = netns_spawn(ch, slot);
}

static pid_t proc_spawn(struct churn *ch, unsigned int i)
{
	char name[24];
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		child_setup();
		snprintf(name, sizeof(name), "worker%u", i);
		worker_run(ch->sh, name, ch->deadline);
		_exit(0);
	}
	return pid;
}

static void churn_loop(struct churn *ch)
{
	uint64_t next = now_ms() + NETNS_SWAP_MS, t;
	unsigned int victim = 0;

	while ((t = now_ms()) < ch->deadline) {
		if (t < next) {
			sleep_ms((next < ch->deadline ? next : ch->deadline) - t);
			continue;
		}
		/* A namespace made now would have nothing left to do. */
		if (!ch->nnetns || ch->deadline - t < NETNS_SWAP_MS / 2) {
			next = ch->deadline;
			continue;
		}
		netns_swap(ch, victim);
		victim = (victim + 1) % ch->nnetns;
		/*
		 * From the end of the swap: where making a netns takes long
		 * (KASAN), swaps slow down instead of eating the CPU.
		 */
		next = now_ms() + NETNS_SWAP_MS;
	}
}

static int cmd_churn(int argc, char **argv)
{
	unsigned long seconds = 0;
	struct churn ch;
	unsigned int i;
	int a;

	memset(&ch, 0, sizeof(ch));
	ch.nprocs = 2;
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--seconds"))
			seconds = opt_num(argv[a], argv[a + 1], 1, 86400), a++;
		else if (!strcmp(argv[a], "--netns"))
			ch.nnetns = opt_num(argv[a], argv[a + 1], 0, 64), a++;
		else if (!strcmp(argv[a], "--procs"))
			ch.nprocs = opt_num(argv[a], argv[a + 1], 0, 64), a++;
		else
			usage();
	}
	if (!seconds)
		usage();

	signal(SIGPIPE, SIG_IGN);
	ch.sh = mmap(NULL, sizeof(*ch.sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ch.sh == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	ch.procs = calloc(ch.nprocs + 1, sizeof(pid_t));
	ch.netns = calloc(ch.nnetns + 1, sizeof(pid_t));
	if (!ch.procs || !ch.netns)
		die("out of memory");

	/* In a fresh "unshare -n" lo is down; elsewhere this is a no-op. */
	if (lo_up())
		fprintf(stderr, "churn: cannot bring lo up: %s\n", strerror(errno));
	knobs_set(main_knobs, ARRAY_SIZE(main_knobs), false);
	knobs_set(&ehash_knob, 1, true);
	ch.child_ehash = ehash_knob.changed;

	ch.deadline = now_ms() + seconds * 1000;
	for (i = 0; i < ch.nprocs; i++)
		ch.procs[i] = proc_spawn(&ch, i);
	for (i = 0; i < ch.nnetns; i++)
		ch.netns[i] = netns_spawn(&ch, i);
	churn_loop(&ch);
	for (i = 0; i < ch.nprocs; i++)
		reap(&ch, ch.procs[i], false);
	for (i = 0; i < ch.nnetns; i++)
		reap(&ch, ch.netns[i], false);

	knobs_restore(&ehash_knob, 1);
	knobs_restore(main_knobs, ARRAY_SIZE(main_knobs));

	fprintf(stderr,
		"churn: errors=%lu netns_own_ehash=%lu netns_failed=%lu worker_deaths=%lu\n",
		ch.sh->errors, ch.netns_own_ehash, ch.netns_failed, ch.deaths);
	printf("churn connections=%lu netns_created=%lu seconds=%lu\n",
	       ch.sh->conns, ch.netns_created, seconds);
	if (!ch.sh->conns) {
		fprintf(stderr, "churn: not a single connection was made\n");
		return 1;
	}
	return 0;
}

/* ---- read: checking one read ---- */

/* Longer than any line the format has: a longer one is garbage. */
#define LINE_MAX_LEN	512
#define FIELDS_MAX	32
#define KEY_LEN		128
/* Bad reads described on stderr; the first one is also shown whole. */
#define COMPLAINTS_MAX	20
#define READ_MAX	(256u << 20)
#define ABSENT_RETRY_MS	10

static const char *const titles[] = {
	"Proto", "Recv-Q", "Send-Q", "Local", "Address", "Foreign", "Address",
	"State", "UID", "Inode", "Timer", "Idle",
};

/* Fields of a row up to Idle; the titles may announce more after it. */
#define ROW_FIELDS	10

struct key {
	char s[KEY_LEN];
};

struct check {
	const char *buf;
	size_t len, off;
	unsigned long lineno;
	char line[LINE_MAX_LEN + 1];
	char *tok[FIELDS_MAX + 1];
	int ntok;
	unsigned int extra;	/* columns after Inode, from the titles */
	unsigned long long rows, counts[TCPS_STATE_SLOTS];
	struct key *keys;	/* connections seen, for the duplicate check */
	size_t nkeys, keycap;
	char why[512];
};

static __printf(2, 3) bool fail(struct check *ck, const char *fmt, ...);
static bool fail(struct check *ck, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	/* Line 0: a finding about the read as a whole. */
	if (ck->lineno)
		n = snprintf(ck->why, sizeof(ck->why), "line %lu: ", ck->lineno);

	va_start(ap, fmt);
	vsnprintf(ck->why + n, sizeof(ck->why) - n, fmt, ap);
	va_end(ap);
	return false;
}

/*
 * The next line into ck->line, split into ck->tok.  False at the end of
 * the read (ck->why empty) or on a malformed line (ck->why says why).
 */
static bool next_line(struct check *ck)
{
	const char *p = ck->buf + ck->off;
	const char *nl = memchr(p, '\n', ck->len - ck->off);
	size_t n, i;
	char *save;

	ck->why[0] = '\0';
	if (ck->off == ck->len)
		return false;
	ck->lineno++;
	if (!nl)
		return fail(ck, "no newline at the end of the read");
	n = nl - p;
	if (n > LINE_MAX_LEN)
		return fail(ck, "longer than %d characters", LINE_MAX_LEN);
	for (i = 0; i < n; i++)
		if (p[i] != ' ' && (p[i] < 0x21 || p[i] > 0x7e))
			return fail(ck, "byte 0x%02x at column %zu", (unsigned char)p[i], i + 1);
	memcpy(ck->line, p, n);
	ck->line[n] = '\0';
	ck->off += n + 1;

	ck->ntok = 0;
	for (ck->tok[0] = strtok_r(ck->line, " ", &save); ck->tok[ck->ntok];
	     ck->tok[ck->ntok] = strtok_r(NULL, " ", &save))
		if (++ck->ntok > FIELDS_MAX)
			return fail(ck, "more than %d fields", FIELDS_MAX);
	return true;
}

/* Like next_line(), but the end of the read is an error too. */
static bool need_line(struct check *ck, const char *what)
{
	if (next_line(ck))
		return true;
	if (!ck->why[0]) {
		ck->lineno++;
		fail(ck, "read ends where %s should be (truncated)", what);
	}
	return false;
}

/* Decimal digits without a sign or leading zero, fitting 64 bits. */
static bool parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1]))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return !errno && !*end;
}

static bool parse_port(const char *s, unsigned int *port)
{
	unsigned long long v;

	if (!strcmp(s, "*")) {
		*port = 0;
		return true;
	}
	if (!parse_u64(s, &v) || v < 1 || v > 65535)
		return false;
	*port = v;
	return true;
}

/*
 * glibc prints ::/96 addresses other than :: and ::1 with a dotted
 * IPv4 tail, RFC 5952 does not: there the text cannot be compared.
 */
static bool v4_compat(const struct in6_addr *a)
{
	static const unsigned char zero[10];

	return !memcmp(a->s6_addr, zero, 10) && !a->s6_addr[10] &&
	       !a->s6_addr[11] && (a->s6_addr[12] || a->s6_addr[13]);
}

/* "a.b.c.d:port" or "[v6]:port", the address in its canonical text. */
static bool check_endpoint(struct check *ck, const char *tok, bool v6,
			   const char *which, unsigned int *port, bool *any)
{
	char addr[INET6_ADDRSTRLEN + 1], canon[INET6_ADDRSTRLEN];
	const char *colon = strrchr(tok, ':'), *start = tok;
	unsigned char bin[sizeof(struct in6_addr)];
	int family = v6 ? AF_INET6 : AF_INET;
	size_t n;

	if (!colon)
		return fail(ck, "%s address '%s' has no port", which, tok);
	if (v6) {
		if (tok[0] != '[' || colon == tok || colon[-1] != ']')
			return fail(ck, "%s address '%s' of a tcp6 row is not [IPv6]:port",
				    which, tok);
		start = tok + 1;
		n = colon - 1 - start;
	} else {
		n = colon - tok;
	}
	if (n >= sizeof(addr))
		return fail(ck, "%s address '%s' too long", which, tok);
	memcpy(addr, start, n);
	addr[n] = '\0';
	if (inet_pton(family, addr, bin) != 1)
		return fail(ck, "%s address '%s' is not an IPv%c address",
			    which, addr, v6 ? '6' : '4');
	inet_ntop(family, bin, canon, sizeof(canon));
	if (strcmp(addr, canon) && !(v6 && v4_compat((struct in6_addr *)bin)))
		return fail(ck, "%s address '%s' is not canonical ('%s')", which, addr, canon);
	if (!parse_port(colon + 1, port))
		return fail(ck, "%s port '%s' is neither * nor 1..65535", which, colon + 1);
	*any = v6 ? IN6_IS_ADDR_UNSPECIFIED((struct in6_addr *)bin) :
		    !memcmp(bin, "\0\0\0\0", 4);
	return true;
}

static int state_id(const char *name)
{
	int id;

	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		if (!strcmp(name, state_names[id]))
			return id;
	return 0;
}

static bool add_key(struct check *ck, char **tok)
{
	struct key *k;

	if (ck->nkeys == ck->keycap) {
		size_t cap = ck->keycap ? 2 * ck->keycap : 1024;

		k = realloc(ck->keys, cap * sizeof(*k));
		if (!k)
			die("out of memory");
		ck->keys = k;
		ck->keycap = cap;
	}
	k = &ck->keys[ck->nkeys++];
	snprintf(k->s, sizeof(k->s), "%s %s %s", tok[0], tok[3], tok[4]);
	return true;
}

/* "<seconds>.<3 digits>" */
static bool parse_secs(const char *s, const char **end)
{
	const char *p = s;

	while (*p >= '0' && *p <= '9')
		p++;
	if (p == s || p - s > 10 || *p != '.')
		return false;
	if (p[1] < '0' || p[1] > '9' || p[2] < '0' || p[2] > '9' ||
	    p[3] < '0' || p[3] > '9')
		return false;
	*end = p + 4;
	return true;
}

/* Timer "name(secs/retrans/probes)", Idle "-" or "secs/secs". */
static bool check_timer_idle(struct check *ck, const char *timer,
			     const char *idle, int state)
{
	static const char *const names[] = TCPS_TIMER_NAMES;
	const char *p = NULL, *open = strchr(timer, '(');
	unsigned int r, pr;
	size_t i, n;
	char tail;

	for (i = 0; open && i < ARRAY_SIZE(names); i++) {
		n = strlen(names[i]);
		if ((size_t)(open - timer) == n && !strncmp(timer, names[i], n))
			break;
	}
	if (!open || i == ARRAY_SIZE(names) || !parse_secs(open + 1, &p) ||
	    sscanf(p, "/%u/%u%c", &r, &pr, &tail) != 3 || tail != ')' ||
	    strchr(p, ')')[1])
		return fail(ck, "Timer '%s' is not name(seconds/retransmits/probes)", timer);
	if (!strcmp(idle, "-"))
		return true;
	if (state == TCPS_LISTEN || state == TCPS_TIME_WAIT)
		return fail(ck, "a %s row with idle times '%s'", state_names[state], idle);
	if (!parse_secs(idle, &p) || *p != '/' || !parse_secs(p + 1, &p) || *p)
		return fail(ck, "Idle '%s' is neither - nor seconds/seconds", idle);
	return true;
}

/* Facts of the format beyond the grammar that a row must respect. */
static bool check_row_meaning(struct check *ck, int state, unsigned int lport,
			      unsigned int fport, bool fany,
			      unsigned long long q[2], unsigned long long ino)
{
	if (!lport)
		return fail(ck, "local port is *");
	if (state == TCPS_LISTEN && (fport || !fany))
		return fail(ck, "a LISTEN row with a foreign endpoint");
	/* A bound socket (CLOSE) has no peer, or the one it failed to reach. */
	if (state != TCPS_LISTEN && state != TCPS_CLOSE && !fport)
		return fail(ck, "a %s row with foreign port *", state_names[state]);
	if (state == TCPS_TIME_WAIT && (q[0] || q[1] || ino))
		return fail(ck, "a TIME_WAIT row with queues or an inode");
	return true;
}

/* Proto Recv-Q Send-Q Local Foreign State UID Inode Timer Idle [extra]. */
static bool check_row(struct check *ck)
{
	unsigned long long q[2], uid, ino;
	unsigned int lport, fport;
	char **tok = ck->tok;
	bool v6, lany, fany;
	int state;

	if (ck->ntok != ROW_FIELDS + (int)ck->extra)
		return fail(ck, "%d fields, not %u", ck->ntok, ROW_FIELDS + ck->extra);
	if (strcmp(tok[0], "tcp") && strcmp(tok[0], "tcp6"))
		return fail(ck, "protocol '%s'", tok[0]);
	v6 = !strcmp(tok[0], "tcp6");
	if (!parse_u64(tok[1], &q[0]) || !parse_u64(tok[2], &q[1]))
		return fail(ck, "queue '%s' '%s' not unsigned decimals", tok[1], tok[2]);
	if (!check_endpoint(ck, tok[3], v6, "local", &lport, &lany) ||
	    !check_endpoint(ck, tok[4], v6, "foreign", &fport, &fany))
		return false;
	state = state_id(tok[5]);
	if (!state)
		return fail(ck, "unknown state '%s'", tok[5]);
	if (!parse_u64(tok[6], &uid) || !parse_u64(tok[7], &ino))
		return fail(ck, "UID '%s' or inode '%s' not an unsigned decimal", tok[6], tok[7]);
	if (!check_row_meaning(ck, state, lport, fport, fany, q, ino) ||
	    !check_timer_idle(ck, tok[8], tok[9], state))
		return false;
	ck->counts[state]++;
	ck->rows++;
	/*
	 * SO_REUSEPORT listeners may share an address, and SO_REUSEADDR
	 * bound sockets an address and a stale peer; connections never.
	 */
	return state == TCPS_LISTEN || state == TCPS_CLOSE || add_key(ck, tok);
}

static bool check_header(struct check *ck, unsigned long long netns)
{
	char prefix[128];
	unsigned long long ns;
	size_t n;
	int i;

	n = snprintf(prefix, sizeof(prefix), "%s %d: TCP sockets of net namespace ",
		     TCPSTATES_MAGIC, TCPSTATES_FORMAT_VERSION);
	if (!need_line(ck, "the title"))
		return false;
	/* Compare the line as read: tokens lost its spacing. */
	if (strncmp(ck->buf, prefix, n) || ck->ntok != 8 ||
	    !parse_u64(ck->tok[7], &ns))
		return fail(ck, "title is not '%s<inode>'", prefix);
	if (netns && ns != netns)
		return fail(ck, "net namespace %llu, but the reader is in %llu", ns, netns);

	if (!need_line(ck, "the column titles"))
		return false;
	if (ck->ntok < (int)ARRAY_SIZE(titles))
		return fail(ck, "column titles: %d words", ck->ntok);
	for (i = 0; i < (int)ARRAY_SIZE(titles); i++)
		if (strcmp(ck->tok[i], titles[i]))
			return fail(ck, "column title '%s', not '%s'", ck->tok[i], titles[i]);
	ck->extra = ck->ntok - ARRAY_SIZE(titles);
	return true;
}

static bool check_counts(struct check *ck)
{
	unsigned long long v;
	int id;

	if (!need_line(ck, "the counter titles"))
		return false;
	if (ck->ntok != 2 || strcmp(ck->tok[0], TCPSTATES_COUNT_TITLE) ||
	    strcmp(ck->tok[1], "Count"))
		return fail(ck, "not the counter titles");
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++) {
		if (!need_line(ck, state_names[id]))
			return false;
		if (ck->ntok != 2 || strcmp(ck->tok[0], state_names[id]) ||
		    !parse_u64(ck->tok[1], &v))
			return fail(ck, "not the counter of %s", state_names[id]);
		if (v != ck->counts[id])
			return fail(ck, "%s counter %llu, but %llu rows", state_names[id],
				    v, ck->counts[id]);
	}
	if (!need_line(ck, TCPSTATES_TOTAL_NAME))
		return false;
	if (ck->ntok != 2 || strcmp(ck->tok[0], TCPSTATES_TOTAL_NAME) ||
	    !parse_u64(ck->tok[1], &v))
		return fail(ck, "not the %s line", TCPSTATES_TOTAL_NAME);
	if (v != ck->rows)
		return fail(ck, "%s %llu, but %llu rows", TCPSTATES_TOTAL_NAME, v, ck->rows);
	if (next_line(ck))
		return fail(ck, "text after the %s line", TCPSTATES_TOTAL_NAME);
	return !ck->why[0];
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->s, ((const struct key *)b)->s);
}

static bool check_dups(struct check *ck)
{
	size_t i;

	qsort(ck->keys, ck->nkeys, sizeof(*ck->keys), key_cmp);
	for (i = 1; i < ck->nkeys; i++)
		if (!strcmp(ck->keys[i - 1].s, ck->keys[i].s)) {
			ck->lineno = 0;
			return fail(ck, "connection shown twice: %s", ck->keys[i].s);
		}
	return true;
}

/* Check one complete read; @netns 0 accepts any namespace. */
static bool check_read(struct check *ck, const char *buf, size_t len,
		       unsigned long long netns, bool dup_check)
{
	ck->buf = buf;
	ck->len = len;
	ck->off = 0;
	ck->lineno = 0;
	ck->rows = 0;
	ck->nkeys = 0;
	memset(ck->counts, 0, sizeof(ck->counts));

	if (!check_header(ck, netns))
		return false;
	for (;;) {
		if (!need_line(ck, "a row or the blank line"))
			return false;
		if (!ck->ntok)
			break;
		if (!check_row(ck))
			return false;
	}
	if (!check_counts(ck))
		return false;
	return !dup_check || check_dups(ck);
}

/* ---- read: the loop ---- */

struct reader {
	const char *file;
	size_t *sizes;
	unsigned int nsizes, next_size;
	bool hold_open, dup_check;
	unsigned long long netns;
	const struct key *expect;	/* held connections: each exactly once */
	size_t nexpect;
	char *buf;
	size_t cap;
	struct check ck;
	unsigned long long reads, rows, bad, stale, absent, empty, counts_reads;
	unsigned long long state_rows[TCPS_STATE_SLOTS];
	unsigned int complaints;
	bool shown;		/* a bad read was shown whole */
};

enum pass { PASS_OK, PASS_STALE, PASS_BAD };

static __printf(2, 3) void complain(struct reader *r, const char *fmt, ...);
static void complain(struct reader *r, const char *fmt, ...)
{
	va_list ap;

	r->bad++;
	if (r->complaints++ >= COMPLAINTS_MAX)
		return;
	fprintf(stderr, "read: bad read of %s: ", r->file);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* The whole read, for the first bad one only: it may be large. */
static void show_read(struct reader *r, size_t len)
{
	if (r->shown)
		return;
	r->shown = true;
	fprintf(stderr, "----- begin bad read (%zu bytes) -----\n", len);
	fwrite(r->buf, 1, len, stderr);
	fprintf(stderr, "%s----- end bad read -----\n",
		len && r->buf[len - 1] != '\n' ? "\n" : "");
}

/* Read @fd to EOF, each read() the next size of the list: 0 or errno. */
static int read_all(struct reader *r, int fd, size_t *len)
{
	*len = 0;
	for (;;) {
		size_t size = r->sizes[r->next_size++ % r->nsizes];
		ssize_t n;

		if (*len + size > r->cap) {
			size_t cap = r->cap ? r->cap : 65536;

			while (cap < *len + size)
				cap *= 2;
			if (cap > READ_MAX)
				return EFBIG;
			r->buf = realloc(r->buf, cap);
			if (!r->buf)
				die("out of memory");
			r->cap = cap;
		}
		n = read(fd, r->buf + *len, size);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno;
		if (n == 0)
			return 0;
		*len += n;
	}
}

static enum pass read_pass(struct reader *r, int fd, const char *which)
{
	size_t len;
	int id, err = read_all(r, fd, &len);

	/* The module was unloaded under this file (proc answers EIO). */
	if (err == EIO || err == ENOENT || (!err && !len)) {
		r->stale++;
		r->empty += !err;
		return PASS_STALE;
	}
	if (err) {
		complain(r, "%s fd: read(): %s", which, strerror(err));
		return PASS_BAD;
	}
	if (!check_read(&r->ck, r->buf, len, r->netns, r->dup_check)) {
		complain(r, "%s fd: %s", which, r->ck.why);
		show_read(r, len);
		return PASS_BAD;
	}
	/* check_dups() sorted the keys and found none twice. */
	for (id = 0; (size_t)id < r->nexpect; id++) {
		if (bsearch(&r->expect[id], r->ck.keys, r->ck.nkeys,
			    sizeof(*r->ck.keys), key_cmp))
			continue;
		complain(r, "%s fd: a held connection is missing: %s", which,
			 r->expect[id].s);
		show_read(r, len);
		return PASS_BAD;
	}
	r->reads++;
	r->rows += r->ck.rows;
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		r->state_rows[id] += r->ck.counts[id];
	return PASS_OK;
}

/* Open the file, waiting while it is absent (module unloaded). */
static int open_retry(struct reader *r, uint64_t deadline)
{
	for (;;) {
		int fd = open(r->file, O_RDONLY | O_CLOEXEC);

		if (fd >= 0)
			return fd;
		if (errno != ENOENT) {
			complain(r, "open(): %s", strerror(errno));
			sleep_ms(ABSENT_RETRY_MS);
			return -1;
		}
		r->absent++;
		if (now_ms() >= deadline)
			return -1;
		sleep_ms(ABSENT_RETRY_MS);
	}
}

/* Read the long-lived fd again from the start; reopen it once stale. */
static void held_pass(struct reader *r, int *held, uint64_t deadline)
{
	if (*held < 0) {
		*held = open_retry(r, deadline);
		if (*held < 0)
			return;
	} else if (lseek(*held, 0, SEEK_SET)) {
		/*
		 * Once the module is gone, proc answers lseek() with EINVAL
		 * (proc_reg_llseek()); a live seq_file never does for 0.
		 */
		if (errno == EIO || errno == ENOENT || errno == EINVAL)
			r->stale++;
		else
			complain(r, "held fd: lseek(): %s", strerror(errno));
		close_fd(held);
		return;
	}
	if (read_pass(r, *held, "held") == PASS_STALE)
		close_fd(held);
}

static void parse_sizes(struct reader *r, const char *list)
{
	char *copy = strdup(list), *tok, *save;

	if (!copy)
		die("out of memory");
	r->nsizes = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		r->sizes = realloc(r->sizes, (r->nsizes + 1) * sizeof(*r->sizes));
		if (!r->sizes)
			die("out of memory");
		r->sizes[r->nsizes++] = opt_num("--bufsizes", tok, 1, 64 << 20);
	}
	free(copy);
	if (!r->nsizes)
		usage();
}

static unsigned long long own_netns(void)
{
	struct stat st;

	if (stat("/proc/self/ns/net", &st))
		die("stat /proc/self/ns/net: %s", strerror(errno));
	return st.st_ino;
}

/* What the reads showed, to judge how much of TCP the load exercised. */
static void print_state_rows(const struct reader *r)
{
	int id;

	fprintf(stderr, "read: rows by state:");
	for (id = TCPS_STATE_FIRST; id <= TCPS_STATE_LAST; id++)
		fprintf(stderr, " %s=%llu", state_names[id], r->state_rows[id]);
	fputc('\n', stderr);
}

static int cmd_read(int argc, char **argv)
{
	const char *sizes = "1,7,100,4096,65536,1048576";
	long seconds = -1;
	bool any_netns = false;
	struct reader r;
	uint64_t deadline;
	int a, fd, held = -1;

	memset(&r, 0, sizeof(r));
	r.file = TCPSTATES_PROC_PATH;
	r.dup_check = true;
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--seconds"))
			seconds = opt_num(argv[a], argv[a + 1], 0, 86400), a++;
		else if (!strcmp(argv[a], "--file") && argv[a + 1])
			r.file = argv[++a];
		else if (!strcmp(argv[a], "--bufsizes") && argv[a + 1])
			sizes = argv[++a];
		else if (!strcmp(argv[a], "--hold-open"))
			r.hold_open = true;
		else if (!strcmp(argv[a], "--any-netns"))
			any_netns = true;
		else if (!strcmp(argv[a], "--no-dup-check"))
			r.dup_check = false;
		else
			usage();
	}
	if (seconds < 0)
		usage();
	parse_sizes(&r, sizes);
	r.netns = any_netns ? 0 : own_netns();

	deadline = now_ms() + seconds * 1000;
	do {
		fd = open_retry(&r, deadline);
		if (fd >= 0) {
			read_pass(&r, fd, "fresh");
			close(fd);
		}
		if (r.hold_open)
			held_pass(&r, &held, deadline);
	} while (now_ms() < deadline);
	close_fd(&held);

	if (r.rows)
		print_state_rows(&r);
	if (r.empty)
		fprintf(stderr, "read: %llu of the stale reads were empty\n", r.empty);
	if (r.complaints > COMPLAINTS_MAX)
		fprintf(stderr, "read: %u more bad reads not described\n",
			r.complaints - COMPLAINTS_MAX);
	printf("read reads=%llu rows=%llu bad=%llu stale_reads=%llu absent_opens=%llu\n",
	       r.reads, r.rows, r.bad, r.stale, r.absent);
	return r.bad ? 1 : 0;
}

/* ---- exact: held connections, each shown exactly once under churn ---- */

#define EXACT_PAIRS_MAX		4096
#define EXACT_READERS_MAX	8
#define EXACT_TW_MAX		"64"

/* "127.0.0.1:5001" or "[::1]:6001", as the rows write an endpoint. */
static void endpoint(char *buf, size_t size, const struct sockaddr_storage *ss)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (ss->ss_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			  ip, sizeof(ip));
		snprintf(buf, size, "%s:%u", ip, port_of(ss));
	} else {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
			  ip, sizeof(ip));
		snprintf(buf, size, "[%s]:%u", ip, port_of(ss));
	}
}

/* The reader's key of connected socket @fd's row. */
static void key_of_fd(struct key *k, int fd)
{
	struct sockaddr_storage l, f;
	socklen_t ll = sizeof(l), fl = sizeof(f);
	char ls[56], fs[56];

	if (getsockname(fd, (struct sockaddr *)&l, &ll) ||
	    getpeername(fd, (struct sockaddr *)&f, &fl))
		die("hold: getsockname/getpeername: %s", strerror(errno));
	endpoint(ls, sizeof(ls), &l);
	endpoint(fs, sizeof(fs), &f);
	snprintf(k->s, sizeof(k->s), "%s %s %s",
		 l.ss_family == AF_INET ? "tcp" : "tcp6", ls, fs);
}

/*
 * Hold @pairs established connections, alternately IPv4 and IPv6, and
 * their two listeners; the connections' keys go to @keys (2 * pairs of
 * them; listeners have no key: SO_REUSEPORT ones may share a tuple).
 */
static size_t exact_hold(unsigned int pairs, struct key *keys)
{
	static const char *const ip[2] = { "127.0.0.1", "::1" };
	struct sockaddr_storage ss;
	int l[2], i, c, s;
	size_t n = 0;
	socklen_t len;

	for (i = 0; i < 2; i++) {
		int family = i ? AF_INET6 : AF_INET;

		l[i] = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		len = make_addr(&ss, family, ip[i], 0);
		if (l[i] < 0 || bind(l[i], (struct sockaddr *)&ss, len) ||
		    listen(l[i], pairs + 16))
			die("hold: listener: %s", strerror(errno));
	}
	for (i = 0; i < (int)pairs; i++) {
		int family = i & 1 ? AF_INET6 : AF_INET;

		len = make_addr(&ss, family, ip[i & 1], local_port(l[i & 1]));
		c = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (c < 0 || connect(c, (struct sockaddr *)&ss, len))
			die("hold: connect: %s", strerror(errno));
		s = accept4(l[i & 1], NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			die("hold: accept: %s", strerror(errno));
		key_of_fd(&keys[n++], c);
		key_of_fd(&keys[n++], s);
	}
	return n;
}

/*
 * The counts view counts every held connection (all ESTABLISHED): its
 * ESTABLISHED and Total lines are at least @held.  (An upper bound would
 * need to know the churn's sockets; a double count shows in the rows.)
 */
static void counts_pass(struct reader *r, size_t held)
{
	unsigned long long est = 0, total = 0;
	char line[128];
	FILE *f = fopen("/proc/tcpstates_counts", "re");

	if (!f) {
		complain(r, "counts view: open: %s", strerror(errno));
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		sscanf(line, "ESTABLISHED %llu", &est);
		sscanf(line, TCPSTATES_TOTAL_NAME " %llu", &total);
	}
	fclose(f);
	r->counts_reads++;
	if (est < held || total < held)
		complain(r, "counts view: ESTABLISHED %llu, Total %llu, with %zu held connections",
			 est, total, held);
}

/* A checking reader of /proc/tcpstates until @deadline; exits 0 if all was right. */
static __noreturn void exact_reader(const struct key *keys, size_t nkeys,
				    const char *sizes, uint64_t deadline,
				    const char *name)
{
	struct reader r;
	int fd, held = -1;

	child_setup();
	memset(&r, 0, sizeof(r));
	r.file = TCPSTATES_PROC_PATH;
	r.dup_check = true;
	r.hold_open = true;
	r.expect = keys;
	r.nexpect = nkeys;
	parse_sizes(&r, sizes);
	r.netns = own_netns();
	do {
		fd = open_retry(&r, deadline);
		if (fd >= 0) {
			read_pass(&r, fd, "fresh");
			close(fd);
		}
		held_pass(&r, &held, deadline);
		counts_pass(&r, nkeys);
	} while (now_ms() < deadline);
	close_fd(&held);
	printf("%s reads=%llu rows=%llu bad=%llu counts_reads=%llu\n", name,
	       r.reads, r.rows, r.bad, r.counts_reads);
	fflush(stdout);
	_exit(r.bad || !r.reads ? 1 : 0);
}

/*
 * tcpstress exact: in this netns (or, with --unshare, a new one: with
 * net.ipv4.tcp_child_ehash_entries=1 set by the caller, a netns whose
 * sockets all share ONE chain), hold known connections while churn
 * workers open and close others as fast as they can (some reset with
 * SO_LINGER 0, so their objects are freed and reused at once), and
 * readers with small and large buffers check every read: each held
 * socket shown exactly once, no connection twice, counters equal to rows.
 */
static int cmd_exact(int argc, char **argv)
{
	static const char *const sizes[] = { "1,7,100,4096", "65536,1048576" };
	unsigned long seconds = 0, pairs = 50, churners = 2, readers = 4;
	bool own = false;
	char ehash[32];
	pid_t pid[EXACT_READERS_MAX + 64];
	unsigned int i, n = 0, bad = 0;
	struct shared *sh;
	uint64_t deadline;
	struct key *keys;
	size_t nkeys;
	int a, status;

	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--seconds"))
			seconds = opt_num(argv[a], argv[a + 1], 1, 86400), a++;
		else if (!strcmp(argv[a], "--pairs"))
			pairs = opt_num(argv[a], argv[a + 1], 1, EXACT_PAIRS_MAX), a++;
		else if (!strcmp(argv[a], "--churners"))
			churners = opt_num(argv[a], argv[a + 1], 0, 64), a++;
		else if (!strcmp(argv[a], "--readers"))
			readers = opt_num(argv[a], argv[a + 1], 1, EXACT_READERS_MAX), a++;
		else if (!strcmp(argv[a], "--unshare"))
			own = true;
		else
			usage();
	}
	if (!seconds)
		usage();
	signal(SIGPIPE, SIG_IGN);
	if (own) {
		/*
		 * Few TIME_WAIT sockets: short reads, so many of them, and
		 * most closes free their socket at once, for reuse.
		 */
		struct knob knobs[] = {
			{ PORT_RANGE, "1024 65535", "", false },
			{ TW_REUSE, "1", "", false },
			{ TW_MAX, EXACT_TW_MAX, "", false },
		};

		if (unshare(CLONE_NEWNET) || lo_up())
			die("exact: new netns: %s", strerror(errno));
		knobs_set(knobs, ARRAY_SIZE(knobs), false);
	}
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	keys = calloc(2 * pairs, sizeof(*keys));
	if (sh == MAP_FAILED || !keys)
		die("out of memory");
	nkeys = exact_hold(pairs, keys);
	qsort(keys, nkeys, sizeof(*keys), key_cmp);

	deadline = now_ms() + seconds * 1000;
	fflush(NULL);
	/* The churn workers, then the readers. */
	for (i = 0; i < churners + readers; i++, n++) {
		char name[24];

		pid[n] = fork();
		if (pid[n] < 0)
			die("fork: %s", strerror(errno));
		if (pid[n])
			continue;
		if (i >= churners) {
			snprintf(name, sizeof(name), "reader%lu", i - churners);
			exact_reader(keys, nkeys, sizes[(i - churners) % 2],
				     deadline, name);
		}
		child_setup();
		snprintf(name, sizeof(name), "churn%u", i);
		worker_run(sh, name, deadline);
		_exit(0);
	}
	for (i = 0; i < n; i++) {
		if (waitpid(pid[i], &status, 0) != pid[i] || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			bad++;
	}
	/* The table this netns uses: its own size, or negative (shared). */
	if (file_read(EHASH_ENTRIES, ehash, sizeof(ehash)))
		snprintf(ehash, sizeof(ehash), "unknown");
	ehash[strcspn(ehash, "\n")] = '\0';
	printf("exact netns=%llu ehash_entries=%s held=%zu connections=%lu errors=%lu bad_processes=%u\n",
	       own_netns(), ehash, nkeys, sh->conns, sh->errors, bad);
	return bad || !sh->conns ? 1 : 0;
}

/* ---- partial: a read cut short by a memory cgroup's limit ---- */

#define PARTIAL_LIMIT	"131072"
#define PARTIAL_EXTRA	3
#define PARTIAL_CHUNK	4096

static void cg_write(const char *dir, const char *file, const char *val)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (file_write(path, val))
		die("partial: %s <- %s: %s", path, val, strerror(errno));
}

/*
 * tcpstress partial --pairs N --cgroup DIR: what a user confined to a
 * memory cgroup sees.  In a new netns (one chain, when the caller has set
 * tcp_child_ehash_entries=1) hold N connection pairs and a few more
 * listeners, then join cgroup DIR limited to 128 KiB: opening the
 * transitions log (its snapshot takes 3 x 64 KiB) must fail with ENOMEM,
 * and so must the read that reaches the chain (its rows take 64 bytes a
 * socket), without the cgroup's OOM killer.  Then close a listener the
 * read already showed, lift the limit and read on: the rest must come
 * from the same walk, so every held connection shows exactly once and
 * the counters are those of the rows.  (A walk begun again would skip
 * the first connection in place of the closed listener.)
 */
static int cmd_partial(int argc, char **argv)
{
	unsigned long pairs = 0;
	const char *cg = NULL;
	int a, fd, log_fd, log_err, extra[PARTIAL_EXTRA], i;
	unsigned int enomem = 0;
	size_t len = 0, nkeys, cap;
	struct sockaddr_storage ss;
	struct check ck;
	struct key *keys;
	char *buf, pid[24];
	socklen_t sl;
	bool good;

	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--pairs"))
			pairs = opt_num(argv[a], argv[a + 1], 1, EXACT_PAIRS_MAX), a++;
		else if (!strcmp(argv[a], "--cgroup") && argv[a + 1])
			cg = argv[++a];
		else
			usage();
	}
	if (!pairs || !cg)
		usage();
	if (unshare(CLONE_NEWNET) || lo_up())
		die("partial: new netns: %s", strerror(errno));
	keys = calloc(2 * pairs, sizeof(*keys));
	if (!keys)
		die("out of memory");
	nkeys = exact_hold(pairs, keys);
	qsort(keys, nkeys, sizeof(*keys), key_cmp);
	for (i = 0; i < PARTIAL_EXTRA; i++) {
		extra[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		sl = make_addr(&ss, AF_INET, "127.0.0.1", 0);
		if (extra[i] < 0 || bind(extra[i], (struct sockaddr *)&ss, sl) ||
		    listen(extra[i], 1))
			die("partial: listener: %s", strerror(errno));
	}
	/* Touched now: pages faulted in later would be the cgroup's. */
	cap = 4 * 1024 * 1024;
	buf = malloc(cap);
	if (!buf)
		die("out of memory");
	memset(buf, 0, cap);
	memset(&ck, 0, sizeof(ck));
	ck.keys = calloc(4 * pairs + 1024, sizeof(*ck.keys));
	ck.keycap = 4 * pairs + 1024;
	if (!ck.keys)
		die("out of memory");

	fd = open(TCPSTATES_PROC_PATH, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("partial: open %s: %s", TCPSTATES_PROC_PATH, strerror(errno));
	cg_write(cg, "memory.max", PARTIAL_LIMIT);
	snprintf(pid, sizeof(pid), "%d", getpid());
	cg_write(cg, "cgroup.procs", pid);

	log_fd = open(TCPSTATES_TRANS_LOG_PROC_PATH, O_RDONLY | O_CLOEXEC);
	log_err = log_fd < 0 ? errno : 0;
	close_fd(&log_fd);

	for (;;) {
		ssize_t n = read(fd, buf + len, PARTIAL_CHUNK);

		if (n < 0 && errno == ENOMEM) {
			if (enomem++)
				die("partial: ENOMEM again after the limit was lifted");
			close_fd(&extra[0]);
			cg_write(cg, "memory.max", "max");
			continue;
		}
		if (n < 0)
			die("partial: read: %s", strerror(errno));
		if (!n)
			break;
		len += n;
		if (len + PARTIAL_CHUNK > cap)
			die("partial: more than %zu bytes", cap);
	}
	close(fd);

	good = check_read(&ck, buf, len, own_netns(), true);
	if (!good)
		fprintf(stderr, "partial: bad read: %s\n", ck.why);
	for (i = 0; good && (size_t)i < nkeys; i++) {
		if (bsearch(&keys[i], ck.keys, ck.nkeys, sizeof(*ck.keys), key_cmp))
			continue;
		fprintf(stderr, "partial: a held connection is missing: %s\n",
			keys[i].s);
		good = false;
	}
	if (!good)
		fwrite(buf, 1, len, stderr);
	printf("partial held=%zu rows=%llu read_enomem=%u log_open=%s ok=%d\n",
	       nkeys, ck.rows, enomem, log_err ? strerror(log_err) : "succeeded",
	       good);
	return good && enomem == 1 && log_err == ENOMEM ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "churn"))
		return cmd_churn(argc, argv);
	if (!strcmp(argv[1], "read"))
		return cmd_read(argc, argv);
	if (!strcmp(argv[1], "exact"))
		return cmd_exact(argc, argv);
	if (!strcmp(argv[1], "partial"))
		return cmd_partial(argc, argv);
	usage();
}
