// SPDX-License-Identifier: GPL-2.0
/*
 * scenario - userspace helper of the tcpstates scenario test.
 *
 *   scenario hold MANIFEST      hold TCP sockets in every state, list them
 *   scenario read BUFSIZE FILE  cat FILE with read()s of BUFSIZE bytes
 *                               (or of A,B,... bytes in turn)
 *   scenario write FILE         report whether FILE accepts writes
 *   scenario stamp FILE...      cat each FILE between "STAMP <ns>" lines
 *                               (CLOCK_MONOTONIC), to time the reads
 *   scenario diag-bound         the bound-only TCP sockets inet_diag
 *                               lists (TCP_BOUND_INACTIVE, Linux 6.6+):
 *                               "tcp|tcp6 LOCAL FOREIGN" per socket
 *   scenario listen N           hold N listeners (READY on stdout), a
 *                               stable set whose file spans many reads
 *
 * "hold" is the oracle of the test: every socket it creates is described
 * by one "ROW ns proto local foreign STATE" line of MANIFEST, which the
 * test compares with /proc/tcpstates. States are driven over loopback
 * only (the guest has no network card) and checked with TCP_INFO before
 * the manifest is written, so a wrong manifest is a setup failure here,
 * not a false alarm against the module.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

/*
 * Buffer sizes of the cases that need data stuck in flight. Tiny, so the
 * peer's window closes after a few KiB and setup stays fast.
 */
#define SMALL_BUF	4096
#define CHUNK		1024
/* Longest wait for a state transition that needs a packet round trip. */
#define WAIT_MS		5000
/* Settling time for sockets we cannot ask (request and timewait socks). */
#define SETTLE_MS	200
#define BACKLOG		16
#define MAX_HELD	128
#define MANIFEST_MAX	32768
#define READ_MAX	(16 << 20)

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

/* Kernel TCP states (include/net/tcp_states.h), as TCP_INFO reports them. */
enum {
	ST_ESTABLISHED = 1,
	ST_SYN_SENT,
	ST_SYN_RECV,
	ST_FIN_WAIT1,
	ST_FIN_WAIT2,
	ST_TIME_WAIT,
	ST_CLOSE,
	ST_CLOSE_WAIT,
	ST_LAST_ACK,
	ST_LISTEN,
	ST_CLOSING,
	ST_MAX,
};

/* net-tools names, the ones the manifest uses. */
static const char *const state_names[ST_MAX] = {
	[ST_ESTABLISHED] = "ESTABLISHED",
	[ST_SYN_SENT] = "SYN_SENT",
	[ST_SYN_RECV] = "SYN_RECV",
	[ST_FIN_WAIT1] = "FIN_WAIT1",
	[ST_FIN_WAIT2] = "FIN_WAIT2",
	[ST_TIME_WAIT] = "TIME_WAIT",
	[ST_CLOSE] = "CLOSE",
	[ST_CLOSE_WAIT] = "CLOSE_WAIT",
	[ST_LAST_ACK] = "LAST_ACK",
	[ST_LISTEN] = "LISTEN",
	[ST_CLOSING] = "CLOSING",
};

/* Where a case's server listens. */
struct where {
	int family;
	const char *ip;
	int port;
};

/* One socket's addresses, formatted as the manifest wants them. */
struct ends {
	int family;
	char local[64];
	char foreign[64];
};

/* An fd we own, with the state it must be in when the manifest is written. */
struct held {
	int fd;
	int state;
	char what[128];
};

static const char *ns_tag = "init";
static const char *cur_case = "setup";
static char manifest[MANIFEST_MAX];
static size_t manifest_len;
static struct held held[MAX_HELD];
static int nheld;

static __printf(1, 2) __noreturn void die(const char *fmt, ...);
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "scenario: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

#define die_errno(fmt, ...) die(fmt ": %s", ##__VA_ARGS__, strerror(errno))

static const char *state_name(int state)
{
	if (state > 0 && state < ST_MAX && state_names[state])
		return state_names[state];
	return "?";
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void write_all(int fd, const char *buf, size_t len, const char *what)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("write %s", what);
		buf += n;
		len -= n;
	}
}

/* ---- manifest ---- */

static __printf(1, 2) void add_line(const char *fmt, ...);
static void add_line(const char *fmt, ...)
{
	size_t room = sizeof(manifest) - manifest_len;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(manifest + manifest_len, room, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= room)
		die("manifest buffer full");
	manifest_len += n;
}

static void add_row(int family, const char *local, const char *foreign, int state)
{
	add_line("ROW %s %s %s %s %s\n", ns_tag, family == AF_INET ? "tcp" : "tcp6",
		 local, foreign, state_name(state));
}

static void format_sa(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	char ip[INET6_ADDRSTRLEN];

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *sin = (const void *)ss;

		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(buf, size, "%s:%u", ip, ntohs(sin->sin_port));
	} else {
		const struct sockaddr_in6 *sin6 = (const void *)ss;

		inet_ntop(AF_INET6, &sin6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, size, "[%s]:%u", ip, ntohs(sin6->sin6_port));
	}
}

static socklen_t make_sa(const struct where *w, struct sockaddr_storage *ss)
{
	struct sockaddr_in6 *sin6 = (void *)ss;
	struct sockaddr_in *sin = (void *)ss;

	memset(ss, 0, sizeof(*ss));
	if (w->family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(w->port);
		if (inet_pton(AF_INET, w->ip, &sin->sin_addr) != 1)
			die("bad IPv4 address %s", w->ip);
		return sizeof(*sin);
	}
	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons(w->port);
	if (inet_pton(AF_INET6, w->ip, &sin6->sin6_addr) != 1)
		die("bad IPv6 address %s", w->ip);
	return sizeof(*sin6);
}

static void format_where(const struct where *w, char *buf, size_t size)
{
	struct sockaddr_storage ss;

	make_sa(w, &ss);
	format_sa(&ss, buf, size);
}

/*
 * The addresses of @fd as its own row shows them. A listener has no peer,
 * and a SYN_SENT socket has none yet either: @foreign then names it.
 */
static void get_ends(int fd, int state, const char *foreign, struct ends *e)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die_errno("%s: getsockname", cur_case);
	e->family = ss.ss_family;
	format_sa(&ss, e->local, sizeof(e->local));
	if (foreign) {
		snprintf(e->foreign, sizeof(e->foreign), "%s", foreign);
	} else if (state == ST_LISTEN) {
		snprintf(e->foreign, sizeof(e->foreign), "%s",
			 e->family == AF_INET ? "0.0.0.0:*" : "[::]:*");
	} else {
		len = sizeof(ss);
		if (getpeername(fd, (struct sockaddr *)&ss, &len))
			die_errno("%s: getpeername", cur_case);
		format_sa(&ss, e->foreign, sizeof(e->foreign));
	}
}

/* ---- TCP_INFO checks ---- */

static void get_info(int fd, struct tcp_info *ti)
{
	socklen_t len = sizeof(*ti);

	memset(ti, 0, sizeof(*ti));
	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, ti, &len))
		die_errno("%s: TCP_INFO", cur_case);
	/* tcpi_snd_wnd, the newest field we use, arrived in Linux 5.4. */
	if (len < offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof(ti->tcpi_snd_wnd))
		die("%s: TCP_INFO too short (%u bytes), kernel too old", cur_case, len);
}

static int get_state(int fd)
{
	struct tcp_info ti;

	get_info(fd, &ti);
	return ti.tcpi_state;
}

static void wait_state(int fd, int state, const char *role)
{
	int ms, now = 0;

	for (ms = 0; ms < WAIT_MS; ms++) {
		now = get_state(fd);
		if (now == state)
			return;
		sleep_ms(1);
	}
	die("%s: %s did not reach %s (it is %s)", cur_case, role, state_name(state),
	    state_name(now));
}

/* Wait until @fd has transmitted more than @segs segments. */
static void wait_segs_out(int fd, unsigned int segs, const char *role)
{
	struct tcp_info ti;
	int ms;

	for (ms = 0; ms < WAIT_MS; ms++) {
		get_info(fd, &ti);
		if (ti.tcpi_segs_out > segs)
			return;
		sleep_ms(1);
	}
	die("%s: %s never sent its ACK", cur_case, role);
}

/* Wait for @fd to reach @state, then write its row and remember it for check_held(). */
static void hold(int fd, int state, const char *foreign, const char *role)
{
	struct ends e;

	if (nheld == MAX_HELD)
		die("too many sockets");
	wait_state(fd, state, role);
	get_ends(fd, state, foreign, &e);
	add_row(e.family, e.local, e.foreign, state);
	held[nheld].fd = fd;
	held[nheld].state = state;
	snprintf(held[nheld].what, sizeof(held[nheld].what), "%s: %s", cur_case, role);
	nheld++;
}

/*
 * Row of the server end of a connection whose fd we never get (a request
 * socket, or a child still in the accept queue): the client's ends swapped.
 */
static void row_peer(int client, int state)
{
	struct ends e;

	get_ends(client, ST_ESTABLISHED, NULL, &e);
	add_row(e.family, e.foreign, e.local, state);
}

/* Every owned socket must still be where we left it: stuck, not moving. */
static void check_held(void)
{
	int i, now;

	for (i = 0; i < nheld; i++) {
		now = get_state(held[i].fd);
		if (now != held[i].state)
			die("%s is %s, wanted %s", held[i].what, state_name(now),
			    state_name(held[i].state));
	}
}

/* ---- sockets ---- */

static void set_int(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)))
		die_errno("%s: setsockopt %s", cur_case, what);
}

/* Buffer sizes must be set before connect() or listen() to shape the window. */
static int tcp_socket(int family, int rcvbuf, int sndbuf)
{
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die_errno("%s: socket", cur_case);
	if (rcvbuf)
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
	if (sndbuf)
		set_int(fd, SOL_SOCKET, SO_SNDBUF, sndbuf, "SO_SNDBUF");
	return fd;
}

/*
 * SO_REUSEADDR lets a rerun bind next to a previous run's leftovers.
 * ::1 may show up on a freshly raised lo of a new netns only a moment
 * later, so EADDRNOTAVAIL is retried for a while.
 */
static void bind_listen(int fd, const struct where *w, int backlog)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(w, &ss);
	int ms;

	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	for (ms = 0; bind(fd, (struct sockaddr *)&ss, len); ms += 10) {
		if (errno != EADDRNOTAVAIL || ms >= 2000)
			die_errno("%s: bind", cur_case);
		sleep_ms(10);
	}
	if (listen(fd, backlog))
		die_errno("%s: listen", cur_case);
}

static int listener(const struct where *w, int backlog, int rcvbuf, int sndbuf)
{
	int fd = tcp_socket(w->family, rcvbuf, sndbuf);

	bind_listen(fd, w, backlog);
	return fd;
}

/* Start a non-blocking connect; true if it completed at once. */
static bool start_connect(int fd, const struct where *w)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(w, &ss);

	if (!connect(fd, (struct sockaddr *)&ss, len))
		return true;
	if (errno != EINPROGRESS)
		die_errno("%s: connect", cur_case);
	return false;
}

static void wait_fd(int fd, short events, const char *what)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n;

	do {
		n = poll(&pfd, 1, WAIT_MS);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		die_errno("%s: poll", cur_case);
	if (!n)
		die("%s: timed out waiting for %s", cur_case, what);
}

/* Non-blocking all along, so a lost handshake is an error, not a hang. */
static int connect_to(const struct where *w, int rcvbuf, int sndbuf)
{
	int fd = tcp_socket(w->family, rcvbuf, sndbuf), err;
	socklen_t len = sizeof(err);

	if (!start_connect(fd, w)) {
		wait_fd(fd, POLLOUT, "connect");
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len))
			die_errno("%s: SO_ERROR", cur_case);
		if (err)
			die("%s: connect: %s", cur_case, strerror(err));
	}
	return fd;
}

static int accept_one(int lfd)
{
	int fd;

	wait_fd(lfd, POLLIN, "accept");
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		die_errno("%s: accept", cur_case);
	return fd;
}

/* Client @a connected to listener @lfd and its accepted server end @b. */
static void make_pair(int lfd, const struct where *w, int rcvbuf, int sndbuf, int *a, int *b)
{
	*a = connect_to(w, rcvbuf, sndbuf);
	*b = accept_one(lfd);
}

static void shut_wr(int fd, const char *role)
{
	if (shutdown(fd, SHUT_WR))
		die_errno("%s: shutdown %s", cur_case, role);
}

/*
 * Sockets that get data queued until the peer's receive window is closed
 * (the peer never reads) with some of it still unsent: a FIN queued after
 * that cannot leave, which pins FIN_WAIT1, CLOSING and LAST_ACK. Closing a
 * window takes a delayed ACK or two (up to ~300 ms on 6.1), so all of them
 * are filled at once rather than one after the other.
 */
static struct filler {
	int fd;
	bool done;
	char what[128];
} fillers[8];
static int nfillers;

static void queue_fill(int fd, const char *role)
{
	if (nfillers == ARRAY_SIZE(fillers))
		die("too many sockets to fill");
	fillers[nfillers].fd = fd;
	fillers[nfillers].done = false;
	snprintf(fillers[nfillers].what, sizeof(fillers[nfillers].what), "%s: %s", cur_case,
		 role);
	nfillers++;
}

/* Send until EAGAIN; true once the window is closed on unsent data. */
static bool fill_step(struct filler *f)
{
	static const char junk[CHUNK];
	struct tcp_info ti;

	while (send(f->fd, junk, sizeof(junk), MSG_DONTWAIT | MSG_NOSIGNAL) > 0)
		;
	if (errno != EAGAIN)
		die_errno("%s: send", f->what);
	get_info(f->fd, &ti);
	return !ti.tcpi_snd_wnd && ti.tcpi_notsent_bytes;
}

static void fill_all(void)
{
	int ms, i, left = 0;

	for (ms = 0; ms < WAIT_MS; ms++) {
		left = 0;
		for (i = 0; i < nfillers; i++) {
			if (!fillers[i].done)
				fillers[i].done = fill_step(&fillers[i]);
			left += !fillers[i].done;
		}
		if (!left)
			break;
		sleep_ms(1);
	}
	for (i = 0; i < nfillers; i++)
		if (!fillers[i].done)
			die("%s: the peer kept its window open", fillers[i].what);
	nfillers = 0;
}

/* ---- the cases, one server port each ---- */

/*
 * One case run for one address family. setup() runs for every case first,
 * then the queued fills, then finish() where a case has one; @a (client)
 * and @b (accepted server end) carry over between the two.
 */
struct run {
	const struct scase *c;
	struct where w;
	char name[96];
	int a, b;
};

static void listen_setup(struct run *r)
{
	hold(listener(&r->w, BACKLOG, 0, 0), ST_LISTEN, NULL, "listener");
}

/* Also the whole content of the extra namespaces. */
static void established_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, 0, 0);

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, 0, 0, &r->a, &r->b);
	/* Its keepalive timer: the Timer column's "keepalive". */
	set_int(r->a, SOL_SOCKET, SO_KEEPALIVE, 1, "SO_KEEPALIVE");
	hold(r->a, ST_ESTABLISHED, NULL, "client");
	hold(r->b, ST_ESTABLISHED, NULL, "server");
}

/*
 * listen(0) still queues one child; with that child unaccepted the accept
 * queue is full and the kernel drops every further SYN, so the second
 * client retries forever in SYN_SENT.
 */
static void syn_sent_setup(struct run *r)
{
	int l = listener(&r->w, 0, 0, 0), c, ms;
	char target[64];
	struct tcp_info ti;

	hold(l, ST_LISTEN, NULL, "listener");
	r->a = connect_to(&r->w, 0, 0);
	hold(r->a, ST_ESTABLISHED, NULL, "queued client");
	/* For a listener, tcpi_unacked is the accept queue length. */
	for (ms = 0;; ms++) {
		get_info(l, &ti);
		if (ti.tcpi_unacked == 1)
			break;
		if (ms >= WAIT_MS)
			die("%s: accept queue holds %u, wanted 1", cur_case, ti.tcpi_unacked);
		sleep_ms(1);
	}
	row_peer(r->a, ST_ESTABLISHED);

	c = tcp_socket(r->w.family, 0, 0);
	/* The default SYN retries give up after about a minute; hold on. */
	set_int(c, IPPROTO_TCP, TCP_SYNCNT, 127, "TCP_SYNCNT");
	if (start_connect(c, &r->w))
		die("%s: connect into a full accept queue succeeded", cur_case);
	format_where(&r->w, target, sizeof(target));
	hold(c, ST_SYN_SENT, target, "dropped client");
}

/*
 * With TCP_DEFER_ACCEPT the server drops the bare ACK that ends the
 * handshake and waits for data that never comes: the client is
 * ESTABLISHED, the server end stays a request socket in SYN_RECV.
 */
static void syn_recv_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, 0, 0);

	set_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 600, "TCP_DEFER_ACCEPT");
	hold(l, ST_LISTEN, NULL, "listener");
	r->a = connect_to(&r->w, 0, 0);
	hold(r->a, ST_ESTABLISHED, NULL, "client");
	row_peer(r->a, ST_SYN_RECV);
}

/* A's FIN is queued behind data B's closed window does not let through. */
static void fin_wait1_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, SMALL_BUF, 0);

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, 0, SMALL_BUF, &r->a, &r->b);
	queue_fill(r->a, "client");
}

static void fin_wait1_finish(struct run *r)
{
	shut_wr(r->a, "client");
	hold(r->a, ST_FIN_WAIT1, NULL, "client");
	hold(r->b, ST_ESTABLISHED, NULL, "server");
}

/* A half-close that is acked, and a server that never closes. */
static void fin_wait2_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, 0, 0);

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, 0, 0, &r->a, &r->b);
	shut_wr(r->a, "client");
	hold(r->b, ST_CLOSE_WAIT, NULL, "server");
	hold(r->a, ST_FIN_WAIT2, NULL, "client");
}

/* B's FIN is queued behind data A's closed window does not let through. */
static void last_ack_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, 0, SMALL_BUF);

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, SMALL_BUF, 0, &r->a, &r->b);
	shut_wr(r->a, "client");
	wait_state(r->b, ST_CLOSE_WAIT, "server");
	wait_state(r->a, ST_FIN_WAIT2, "client");
	queue_fill(r->b, "server");
}

static void last_ack_finish(struct run *r)
{
	shut_wr(r->b, "server");
	hold(r->b, ST_LAST_ACK, NULL, "server");
	hold(r->a, ST_FIN_WAIT2, NULL, "client");
}

/*
 * A's FIN is stuck as in FIN_WAIT1, then B's FIN reaches A: A is CLOSING,
 * waiting forever for the ack of its own FIN; B's FIN is acked, so B is
 * FIN_WAIT2.
 */
static void closing_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, SMALL_BUF, 0);

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, 0, SMALL_BUF, &r->a, &r->b);
	queue_fill(r->a, "client");
}

static void closing_finish(struct run *r)
{
	shut_wr(r->a, "client");
	wait_state(r->a, ST_FIN_WAIT1, "client");
	shut_wr(r->b, "server");
	hold(r->a, ST_CLOSING, NULL, "client");
	hold(r->b, ST_FIN_WAIT2, NULL, "server");
}

/*
 * A closes first and becomes the TIME_WAIT socket. B ends with shutdown()
 * rather than close() so we can watch it reach CLOSE: only the ack of B's
 * FIN gets it there, and only A's timewait socket sends that ack.
 */
static void time_wait_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, 0, 0), err;
	socklen_t len = sizeof(err);
	struct ends e;

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, 0, 0, &r->a, &r->b);
	get_ends(r->a, ST_ESTABLISHED, NULL, &e);
	close(r->a);
	wait_state(r->b, ST_CLOSE_WAIT, "server");
	shut_wr(r->b, "server");
	wait_state(r->b, ST_CLOSE, "server");
	if (getsockopt(r->b, SOL_SOCKET, SO_ERROR, &err, &len))
		die_errno("%s: SO_ERROR", cur_case);
	if (err)
		die("%s: server was reset (%s), client left no TIME_WAIT", cur_case,
		    strerror(err));
	close(r->b);
	add_row(e.family, e.local, e.foreign, ST_TIME_WAIT);
}

/*
 * An orphaned socket whose FIN is acked is replaced by a timewait socket
 * in substate FIN_WAIT2 (for tcp_fin_timeout). B keeps its fd: CLOSE_WAIT.
 * A's state cannot be read any more; B sending its ACK is the last step.
 */
static void fin_wait2_tw_setup(struct run *r)
{
	int l = listener(&r->w, BACKLOG, 0, 0);
	struct tcp_info ti;
	struct ends e;

	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &r->w, 0, 0, &r->a, &r->b);
	get_ends(r->a, ST_ESTABLISHED, NULL, &e);
	get_info(r->b, &ti);
	close(r->a);
	hold(r->b, ST_CLOSE_WAIT, NULL, "server");
	/* Push out an ACK the kernel might still be delaying. */
	set_int(r->b, IPPROTO_TCP, TCP_QUICKACK, 1, "TCP_QUICKACK");
	wait_segs_out(r->b, ti.tcpi_segs_out, "server");
	add_row(e.family, e.local, e.foreign, ST_FIN_WAIT2);
}

/* IPv4 traffic on an IPv6 socket: rows of tcp6 with ::ffff:127.0.0.1. */
static void mapped_setup(struct run *r)
{
	struct where any = { AF_INET6, "::", r->w.port };
	struct where mapped = { AF_INET6, "::ffff:127.0.0.1", r->w.port };
	int l = tcp_socket(AF_INET6, 0, 0);

	set_int(l, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
	bind_listen(l, &any, BACKLOG);
	hold(l, ST_LISTEN, NULL, "listener");
	make_pair(l, &mapped, 0, 0, &r->a, &r->b);
	hold(r->a, ST_ESTABLISHED, NULL, "client");
	hold(r->b, ST_ESTABLISHED, NULL, "server");
}

/* Only bound: in no table but the bind table, shown as CLOSE. */
static void bound_setup(struct run *r)
{
	struct sockaddr_storage ss;
	int fd = tcp_socket(r->w.family, 0, 0);

	if (bind(fd, (struct sockaddr *)&ss, make_sa(&r->w, &ss)))
		die_errno("%s: bind", cur_case);
	hold(fd, ST_CLOSE, r->w.family == AF_INET ? "0.0.0.0:*" : "[::]:*",
	     "bound socket");
}

/*
 * Bound, then a connect() refused (RST from a port nobody listens on):
 * an explicitly bound socket keeps its port, and its row the peer it
 * tried, as inet_diag shows it.
 */
static void bound_refused_setup(struct run *r)
{
	struct where nobody = r->w;
	struct sockaddr_storage ss;
	char target[64];
	int fd = tcp_socket(r->w.family, 0, 0), ms;

	if (bind(fd, (struct sockaddr *)&ss, make_sa(&r->w, &ss)))
		die_errno("%s: bind", cur_case);
	nobody.port = r->w.port + 80;
	start_connect(fd, &nobody);
	for (ms = 0; get_state(fd) != ST_CLOSE; ms++) {
		if (ms >= WAIT_MS)
			die("%s: connect() to a closed port never failed", cur_case);
		sleep_ms(1);
	}
	format_where(&nobody, target, sizeof(target));
	hold(fd, ST_CLOSE, target, "bound socket after a refused connect");
}

/* A dual-stack socket bound to [::], IPV6_V6ONLY off. */
static void bound_any_setup(struct run *r)
{
	struct where any = { AF_INET6, "::", r->w.port };
	struct sockaddr_storage ss;
	int fd = tcp_socket(AF_INET6, 0, 0);

	set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
	if (bind(fd, (struct sockaddr *)&ss, make_sa(&any, &ss)))
		die_errno("%s: bind", cur_case);
	hold(fd, ST_CLOSE, "[::]:*", "dual-stack bound socket");
}

#define CASE_V6_ONLY	0x1
/* Timewait sockets expire after 60 s: create them last. */
#define CASE_LATE	0x2

/* Server port of case n: 5000 + n for IPv4 on 127.0.0.1, 6000 + n on ::1. */
static const struct scase {
	int num;
	const char *name;
	void (*setup)(struct run *r);
	void (*finish)(struct run *r);
	unsigned int flags;
} cases[] = {
	{ 1, "LISTEN", listen_setup, NULL, 0 },
	{ 2, "ESTABLISHED", established_setup, NULL, 0 },
	{ 3, "SYN_SENT", syn_sent_setup, NULL, 0 },
	{ 4, "SYN_RECV", syn_recv_setup, NULL, 0 },
	{ 5, "FIN_WAIT1", fin_wait1_setup, fin_wait1_finish, 0 },
	{ 6, "FIN_WAIT2/CLOSE_WAIT", fin_wait2_setup, NULL, 0 },
	{ 7, "LAST_ACK", last_ack_setup, last_ack_finish, 0 },
	{ 8, "CLOSING", closing_setup, closing_finish, 0 },
	{ 9, "TIME_WAIT", time_wait_setup, NULL, CASE_LATE },
	{ 10, "FIN_WAIT2 timewait", fin_wait2_tw_setup, NULL, CASE_LATE },
	{ 11, "bound", bound_setup, NULL, 0 },
	{ 12, "bound, connect refused", bound_refused_setup, NULL, 0 },
	{ 13, "bound to [::]", bound_any_setup, NULL, CASE_V6_ONLY },
	{ 19, "v4-mapped", mapped_setup, NULL, CASE_V6_ONLY },
};

static struct run runs[2 * ARRAY_SIZE(cases)];

static void run_phase(bool late)
{
	static const int families[] = { AF_INET, AF_INET6 };
	const struct scase *c;
	size_t i, f, n = 0;
	struct run *r;

	for (f = 0; f < ARRAY_SIZE(families); f++) {
		for (c = cases; c < cases + ARRAY_SIZE(cases); c++) {
			if (!!(c->flags & CASE_LATE) != late)
				continue;
			if ((c->flags & CASE_V6_ONLY) && families[f] != AF_INET6)
				continue;
			r = &runs[n++];
			r->c = c;
			r->w.family = families[f];
			r->w.ip = families[f] == AF_INET ? "127.0.0.1" : "::1";
			r->w.port = (families[f] == AF_INET ? 5000 : 6000) + c->num;
			snprintf(r->name, sizeof(r->name), "%s %s case (port %d)",
				 families[f] == AF_INET ? "IPv4" : "IPv6", c->name, r->w.port);
			cur_case = r->name;
			c->setup(r);
		}
	}
	fill_all();
	for (i = 0; i < n; i++) {
		if (!runs[i].c->finish)
			continue;
		cur_case = runs[i].name;
		runs[i].c->finish(&runs[i]);
	}
}

/* ---- extra network namespaces ---- */

#define CHILD_EHASH	"/proc/sys/net/ipv4/tcp_child_ehash_entries"

static char ehash_saved[32];
static pid_t ehash_owner;

static bool write_sysctl(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err;
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	/* The caller reports errno of the write, not of close(). */
	err = errno;
	close(fd);
	errno = err;
	return ok;
}

/* atexit: never leave the sysctl changed, whatever failed in between. */
static void restore_child_ehash(void)
{
	if (ehash_owner != getpid())
		return;
	ehash_owner = 0;
	if (!write_sysctl(CHILD_EHASH, ehash_saved))
		fprintf(stderr, "scenario: cannot restore %s to %s\n", CHILD_EHASH, ehash_saved);
}

/* False if this kernel has no per-netns established hash (before 6.1). */
static bool set_child_ehash(const char *val)
{
	int fd = open(CHILD_EHASH, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0 && errno == ENOENT)
		return false;
	if (fd < 0)
		die_errno("open %s", CHILD_EHASH);
	n = read(fd, ehash_saved, sizeof(ehash_saved) - 1);
	if (n <= 0)
		die_errno("read %s", CHILD_EHASH);
	ehash_saved[n] = '\0';
	close(fd);
	ehash_owner = getpid();
	atexit(restore_child_ehash);
	if (!write_sysctl(CHILD_EHASH, val))
		die_errno("write %s to %s", val, CHILD_EHASH);
	return true;
}

static void lo_up(void)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		die_errno("%s: socket", cur_case);
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr))
		die_errno("%s: SIOCGIFFLAGS lo", cur_case);
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr))
		die_errno("%s: SIOCSIFFLAGS lo", cur_case);
	close(fd);
}

/* The new netns must own its established hash, or ns3 tests nothing new. */
static void check_private_ehash(void)
{
	char buf[32] = "";
	int fd = open("/proc/sys/net/ipv4/tcp_ehash_entries", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || read(fd, buf, sizeof(buf) - 1) <= 0)
		die_errno("%s: read tcp_ehash_entries", cur_case);
	close(fd);
	if (atoi(buf) <= 0)
		die("%s: netns shares the global ehash (tcp_ehash_entries %s)", cur_case,
		    strtok(buf, "\n"));
}

static __noreturn void
netns_child(const char *tag, int port, bool private_ehash, pid_t parent, int out)
{
	struct run r4 = { .w = { AF_INET, "127.0.0.1", port } };
	struct run r6 = { .w = { AF_INET6, "::1", port + 1 } };
	char name[64];

	/* Our sockets must not outlive the test's hold process. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
		_exit(1);
	ns_tag = tag;
	manifest_len = 0;
	nheld = 0;
	snprintf(name, sizeof(name), "netns %s", tag);
	cur_case = name;
	if (unshare(CLONE_NEWNET))
		die_errno("%s: unshare(CLONE_NEWNET)", cur_case);
	lo_up();
	if (private_ehash)
		check_private_ehash();

	snprintf(r4.name, sizeof(r4.name), "netns %s IPv4 case (port %d)", tag, r4.w.port);
	cur_case = r4.name;
	established_setup(&r4);
	snprintf(r6.name, sizeof(r6.name), "netns %s IPv6 case (port %d)", tag, r6.w.port);
	cur_case = r6.name;
	established_setup(&r6);
	check_held();

	write_all(out, manifest, manifest_len, "to parent");
	write_all(out, "OK\n", 3, "to parent");
	close(out);
	for (;;)
		pause();
}

/*
 * Fork a child that holds a listener and an accepted pair per family in a
 * netns of its own, and add its rows to our manifest. Returns only once
 * the child is done, so the netns exists before anything else changes.
 */
static void spawn_netns(const char *tag, int port, bool private_ehash)
{
	static char buf[MANIFEST_MAX];
	pid_t parent = getpid(), pid;
	size_t len = 0;
	ssize_t n;
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		die_errno("pipe");
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		die_errno("fork");
	if (!pid) {
		close(p[0]);
		netns_child(tag, port, private_ehash, parent, p[1]);
	}
	close(p[1]);
	while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("read from netns %s child", tag);
		len += n;
		if (len == sizeof(buf) - 1)
			die("netns %s child says too much", tag);
	}
	close(p[0]);
	buf[len] = '\0';
	if (len < 3 || strcmp(buf + len - 3, "OK\n"))
		die("netns %s: setup failed in child %d", tag, pid);
	buf[len - 3] = '\0';
	add_line("%s", buf);
	add_line("NETNS %s %d\n", tag, pid);
}

/* ---- commands ---- */

static void write_manifest(const char *path)
{
	char tmp[4096];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		die("manifest path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die_errno("open %s", tmp);
	write_all(fd, manifest, manifest_len, tmp);
	if (close(fd))
		die_errno("close %s", tmp);
	/* Atomic, so a shell polling for @path never sees half a manifest. */
	if (rename(tmp, path))
		die_errno("rename %s to %s", tmp, path);
}

static int cmd_hold(const char *path)
{
	/* A stale manifest would tell a waiting shell we are ready. */
	if (unlink(path) && errno != ENOENT)
		die_errno("unlink %s", path);

	/* ns2 shares the global established hash, ns3 gets one of its own. */
	spawn_netns("ns2", 7001, false);
	if (set_child_ehash("4096")) {
		spawn_netns("ns3", 7101, true);
		restore_child_ehash();
	} else {
		spawn_netns("ns3", 7101, false);
	}

	run_phase(false);
	run_phase(true);
	sleep_ms(SETTLE_MS);
	check_held();

	write_manifest(path);
	printf("READY\n");
	fflush(stdout);
	for (;;)
		pause();
}

/* Read sizes in turn: a small read leaves bytes in the seq_file's buffer. */
#define READ_SIZES_MAX	8

static int cmd_read(const char *size_arg, const char *path)
{
	unsigned long sizes[READ_SIZES_MAX], size = 0;
	const char *p = size_arg;
	int nsizes = 0, turn = 0, fd;
	char *end, *buf;
	ssize_t n;

	do {
		errno = 0;
		sizes[nsizes] = strtoul(p, &end, 10);
		if (*p < '0' || *p > '9' || (*end && *end != ',') || errno ||
		    !sizes[nsizes] || sizes[nsizes] > READ_MAX) {
			fprintf(stderr, "scenario: bad BUFSIZE '%s' (1..%d[,...])\n",
				size_arg, READ_MAX);
			return 2;
		}
		if (sizes[nsizes] > size)
			size = sizes[nsizes];
		nsizes++;
		p = end + 1;
	} while (*end && nsizes < READ_SIZES_MAX);
	if (*end) {
		fprintf(stderr, "scenario: more than %d sizes\n", READ_SIZES_MAX);
		return 2;
	}
	buf = malloc(size);
	if (!buf)
		die("out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die_errno("open %s", path);
	for (;;) {
		n = read(fd, buf, sizes[turn]);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die_errno("read %s", path);
		if (!n)
			break;
		write_all(STDOUT_FILENO, buf, n, "stdout");
		turn = (turn + 1) % nsizes;
	}
	close(fd);
	free(buf);
	return 0;
}

#define ERRNO_NAME(e)	{ e, #e }

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	ERRNO_NAME(EPERM), ERRNO_NAME(ENOENT), ERRNO_NAME(EINTR), ERRNO_NAME(EIO),
	ERRNO_NAME(ENXIO), ERRNO_NAME(EBADF), ERRNO_NAME(EAGAIN), ERRNO_NAME(ENOMEM),
	ERRNO_NAME(EACCES), ERRNO_NAME(EFAULT), ERRNO_NAME(EBUSY), ERRNO_NAME(EEXIST),
	ERRNO_NAME(ENODEV), ERRNO_NAME(ENOTDIR), ERRNO_NAME(EISDIR), ERRNO_NAME(EINVAL),
	ERRNO_NAME(ETXTBSY), ERRNO_NAME(EFBIG), ERRNO_NAME(ENOSPC), ERRNO_NAME(ESPIPE),
	ERRNO_NAME(EROFS), ERRNO_NAME(EPIPE), ERRNO_NAME(ENOTTY),
	ERRNO_NAME(EOPNOTSUPP), ERRNO_NAME(ELOOP), ERRNO_NAME(ENAMETOOLONG),
};

/* Name of @err, or its number if the table lacks it. */
static const char *errno_name(int err)
{
	static char num[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	snprintf(num, sizeof(num), "%d", err);
	return num;
}

/* One line about one open mode; true if a write got through. */
static bool try_write(const char *path, int flags, const char *prefix)
{
	int fd = open(path, flags | O_CLOEXEC);
	ssize_t n;

	if (fd < 0) {
		printf("%sopen-refused %s\n", prefix, errno_name(errno));
		return false;
	}
	n = write(fd, "x\n", 2);
	if (n < 0)
		printf("%swrite-refused %s\n", prefix, errno_name(errno));
	else
		printf("%swrite-accepted %zd\n", prefix, n);
	close(fd);
	return n >= 0;
}

static int cmd_write(const char *path)
{
	bool accepted = try_write(path, O_WRONLY, "");

	accepted |= try_write(path, O_RDWR, "rdwr-");
	fflush(stdout);
	return accepted ? 1 : 0;
}

static void stamp(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("STAMP %lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
	fflush(stdout);
}

static int cmd_stamp(int n, char **paths)
{
	int i;

	stamp();
	for (i = 0; i < n; i++) {
		if (cmd_read("65536", paths[i]))
			return 1;
		stamp();
	}
	return 0;
}

/* TCP_BOUND_INACTIVE (include/net/tcp_states.h, Linux 6.6+). */
#define ST_BOUND_INACTIVE	13

/* One inet_diag dump of @family's bound-only sockets, printed. */
static void diag_bound(int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg = {
		.nlh = {
			.nlmsg_len = sizeof(msg),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.req = {
			.sdiag_family = family,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = 1U << ST_BOUND_INACTIVE,
		},
	};
	static char buf[65536];
	struct sockaddr_storage ls, rs;
	char local[64], remote[64];
	struct nlmsghdr *h;
	ssize_t n;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (fd < 0)
		die_errno("diag-bound: netlink socket");
	if (send(fd, &msg, sizeof(msg), 0) != sizeof(msg))
		die_errno("diag-bound: send");
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0)
			die_errno("diag-bound: recv");
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			const struct inet_diag_msg *d = NLMSG_DATA(h);

			if (h->nlmsg_type == NLMSG_DONE) {
				close(fd);
				return;
			}
			if (h->nlmsg_type == NLMSG_ERROR)
				die("diag-bound: netlink error (no tcp_diag?)");
			memset(&ls, 0, sizeof(ls));
			memset(&rs, 0, sizeof(rs));
			ls.ss_family = rs.ss_family = d->idiag_family;
			if (d->idiag_family == AF_INET) {
				struct sockaddr_in *l4 = (void *)&ls, *r4 = (void *)&rs;

				memcpy(&l4->sin_addr, d->id.idiag_src, 4);
				memcpy(&r4->sin_addr, d->id.idiag_dst, 4);
				l4->sin_port = d->id.idiag_sport;
				r4->sin_port = d->id.idiag_dport;
			} else {
				struct sockaddr_in6 *l6 = (void *)&ls, *r6 = (void *)&rs;

				memcpy(&l6->sin6_addr, d->id.idiag_src, 16);
				memcpy(&r6->sin6_addr, d->id.idiag_dst, 16);
				l6->sin6_port = d->id.idiag_sport;
				r6->sin6_port = d->id.idiag_dport;
			}
			format_sa(&ls, local, sizeof(local));
			format_sa(&rs, remote, sizeof(remote));
			printf("%s %s %s\n", d->idiag_family == AF_INET ? "tcp" : "tcp6",
			       local, remote);
		}
	}
}

static int cmd_diag_bound(void)
{
	diag_bound(AF_INET);
	diag_bound(AF_INET6);
	fflush(stdout);
	return 0;
}

/*
 * Listeners do not change between two reads (no timers run, nothing
 * comes or goes), so N of them give a file of many 64 KiB chunks that
 * two readers must see byte for byte the same (timer and idle aside):
 * what tells a sendfile() that lost or repeated a record at a chunk's
 * edge.  Wildcard addresses, so a new netns needs no lo up.
 */
static int cmd_listen(const char *n_arg)
{
	int n = atoi(n_arg), i, fd;
	struct rlimit rl = { .rlim_cur = n + 64, .rlim_max = n + 64 };
	struct sockaddr_in6 a = { .sin6_family = AF_INET6 };

	if (n < 1)
		die("bad count %s", n_arg);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die_errno("setrlimit %d files", n + 64);
	for (i = 0; i < n; i++) {
		fd = socket(AF_INET6, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
		    listen(fd, 1))
			die_errno("listener %d", i);
	}
	printf("READY\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int bad_usage(void)
{
	fprintf(stderr,
		"usage: scenario hold MANIFEST\n"
		"       scenario read BUFSIZE[,BUFSIZE...] FILE\n"
		"       scenario write FILE\n"
		"       scenario stamp FILE...\n"
		"       scenario diag-bound\n"
		"       scenario listen N\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "read"))
		return cmd_read(argv[2], argv[3]);
	if (argc == 3 && !strcmp(argv[1], "write"))
		return cmd_write(argv[2]);
	if (argc >= 3 && !strcmp(argv[1], "stamp"))
		return cmd_stamp(argc - 2, argv + 2);
	if (argc == 2 && !strcmp(argv[1], "diag-bound"))
		return cmd_diag_bound();
	if (argc == 3 && !strcmp(argv[1], "listen"))
		return cmd_listen(argv[2]);
	return bad_usage();
}
