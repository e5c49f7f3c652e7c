// SPDX-License-Identifier: GPL-2.0
/*
 * transdrive - drive known TCP state sequences over loopback for the
 * transitions test, and the connection-rate benchmark.
 *
 *   transdrive [-6|-m] SEQUENCE...  run sequences one after the other;
 *                              -6: over IPv6; -m: IPv4 clients of a
 *                              dual-stack IPv6 listener on [::] (the
 *                              server side shows v4-mapped addresses)
 *   transdrive bench SECONDS   connect/accept/close loop; prints the rate
 *
 * Run each sequence in a fresh network namespace with lo up ("unshare -n"),
 * so its namespace sees nothing but the sequence.  Output, on stdout:
 *
 *   SEQ <sequence> <tcp|tcp6>                 a sequence starts
 *   SOCK <role> <tcp|tcp6> <local> <foreign>   every socket, as the log
 *                                             prints endpoints
 *   FACT <name> <value>                       something checked on the way
 *   DONE <sequence>                           the sequence completed
 *
 * Each step waits until every socket it touches is in the state the
 * sequence needs, seen through TCP_INFO for sockets we hold and through
 * /proc/net/tcp{,6} for orphans and timewait sockets, so the transitions
 * happen in a known order and are all over when DONE is printed.  The
 * expected transitions of each sequence are in tests/check_transitions.py;
 * any setup failure prints "FAIL ..." and exits 1.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <linux/tcp.h>
#include <linux/userfaultfd.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define PORT		5001
#define WAIT_MS		5000
/* How long a full socket in FIN_WAIT2 must stay one to be on that path. */
#define FIN_WAIT2_SETTLE_MS	1000
/* Most single bytes written to close the peer's window. */
#define FILL_MAX	(1 << 20)

#define __printf(a, b)	__attribute__((format(printf, a, b)))
#define __noreturn	__attribute__((noreturn))

/* include/net/tcp_states.h; /proc/net/tcp prints them in hex. */
enum {
	ST_GONE = 0,	/* not in /proc/net/tcp: ours */
	ST_ESTABLISHED = 1,
	ST_SYN_SENT = 2,
	ST_SYN_RECV = 3,	/* a request socket, too */
	ST_FIN_WAIT1 = 4,
	ST_FIN_WAIT2 = 5,
	ST_TIME_WAIT = 6,
	ST_CLOSE = 7,
	ST_CLOSE_WAIT = 8,
	ST_LISTEN = 10,
	ST_CLOSING = 11,
};

static int family = AF_INET;
/* -m: the listener is AF_INET6 on [::], the clients AF_INET. */
static bool mapped;

static __printf(1, 2) __noreturn void fail(const char *fmt, ...);
static void fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	printf("FAIL ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(1);
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* The loopback address of the family, with a port. */
static socklen_t make_sa(struct sockaddr_storage *ss, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		s6->sin6_port = htons(port);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s4->sin_port = htons(port);
	return sizeof(*s4);
}

static int sa_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

/* "a.b.c.d:port" or "[v6]:port", port 0 as "*": the module's text. */
static void format_sa(const struct sockaddr_storage *ss, char *buf,
		      size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	char port[8] = "*";

	if (sa_port(ss))
		snprintf(port, sizeof(port), "%d", sa_port(ss));
	if (ss->ss_family == AF_INET6) {
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr,
			  addr, sizeof(addr));
		snprintf(buf, size, "[%s]:%s", addr, port);
	} else {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr,
			  addr, sizeof(addr));
		snprintf(buf, size, "%s:%s", addr, port);
	}
}

/* "ADDR:PORT" as /proc/net/tcp{,6} prints it. */
static void format_hex(const struct sockaddr_storage *ss, char *buf,
		       size_t size)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)ss;
		unsigned int w[4];

		memcpy(w, &s6->sin6_addr, sizeof(w));
		snprintf(buf, size, "%08X%08X%08X%08X:%04X", w[0], w[1], w[2],
			 w[3], sa_port(ss));
	} else {
		const struct sockaddr_in *s4 = (const void *)ss;

		snprintf(buf, size, "%08X:%04X", (unsigned int)s4->sin_addr.s_addr,
			 sa_port(ss));
	}
}

/* A socket's two ends, and its role in the sequence. */
struct sock_ends {
	const char *role;
	struct sockaddr_storage local, remote;
	unsigned long long cookie;	/* SO_COOKIE */
};

#ifndef SO_COOKIE
#define SO_COOKIE	57
#endif

/* The socket's cookie: the id its log entries must carry. */
static unsigned long long sock_cookie(int fd, const char *role)
{
	unsigned long long cookie = 0;
	socklen_t len = sizeof(cookie);

	if (getsockopt(fd, SOL_SOCKET, SO_COOKIE, &cookie, &len))
		fail("SO_COOKIE %s: %s", role, strerror(errno));
	return cookie;
}

static void print_sock(const struct sock_ends *e)
{
	char l[64], r[64];

	format_sa(&e->local, l, sizeof(l));
	format_sa(&e->remote, r, sizeof(r));
	char cookie[24] = "-";

	if (e->cookie)
		snprintf(cookie, sizeof(cookie), "%llx", e->cookie);
	printf("SOCK %s %s %s %s %s\n", e->role,
	       e->local.ss_family == AF_INET6 ? "tcp6" : "tcp", l, r, cookie);
	fflush(stdout);
}

static void get_ends(int fd, const char *role, struct sock_ends *e)
{
	socklen_t len = sizeof(e->local);

	e->role = role;
	e->cookie = sock_cookie(fd, role);
	if (getsockname(fd, (struct sockaddr *)&e->local, &len))
		fail("getsockname %s: %s", role, strerror(errno));
	len = sizeof(e->remote);
	if (getpeername(fd, (struct sockaddr *)&e->remote, &len))
		fail("getpeername %s: %s", role, strerror(errno));
}

/* A listener's foreign end: the wildcard address, port 0. */
static void listener_ends(int fd, const char *role, struct sock_ends *e)
{
	socklen_t len = sizeof(e->local);

	e->role = role;
	e->cookie = sock_cookie(fd, role);
	if (getsockname(fd, (struct sockaddr *)&e->local, &len))
		fail("getsockname %s: %s", role, strerror(errno));
	memset(&e->remote, 0, sizeof(e->remote));
	e->remote.ss_family = e->local.ss_family;
}

/*
 * Where the kernel has the socket of @e's ends: its state in
 * /proc/net/tcp{,6}, timewait substate included, or ST_GONE; and in
 * *@timer (if not NULL) its timer column, 3 for a timewait socket.
 */
static int proc_state_timer(const struct sock_ends *e, unsigned int *timer)
{
	const char *path = e->local.ss_family == AF_INET6 ? "/proc/net/tcp6" :
							    "/proc/net/tcp";
	char want_l[64], want_r[64], line[512], l[64], r[64];
	unsigned int st, tr;
	int state = ST_GONE;
	FILE *f;

	format_hex(&e->local, want_l, sizeof(want_l));
	format_hex(&e->remote, want_r, sizeof(want_r));
	f = fopen(path, "r");
	if (!f)
		fail("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " %*d: %63s %63s %x %*s %x:", l, r, &st,
			   &tr) == 4 &&
		    !strcmp(l, want_l) && !strcmp(r, want_r)) {
			state = st;
			if (timer)
				*timer = tr;
		}
	fclose(f);
	return state;
}

static int proc_state(const struct sock_ends *e)
{
	return proc_state_timer(e, NULL);
}

static void wait_proc_state(const struct sock_ends *e, int state)
{
	int ms, now = ST_GONE;

	for (ms = 0; ms < WAIT_MS; ms++) {
		now = proc_state(e);
		if (now == state)
			return;
		sleep_ms(1);
	}
	fail("%s: state %d in /proc/net/tcp, waited for %d", e->role, now,
	     state);
}

static struct tcp_info get_info(int fd, const char *role)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		fail("TCP_INFO %s: %s", role, strerror(errno));
	return ti;
}

static int info_state(int fd, const char *role)
{
	return get_info(fd, role).tcpi_state;
}

/* For a socket we hold: TCP_INFO also sees CLOSE, which is unhashed. */
static void wait_info_state(int fd, const char *role, int state)
{
	int ms, now = 0;

	for (ms = 0; ms < WAIT_MS; ms++) {
		now = info_state(fd, role);
		if (now == state)
			return;
		sleep_ms(1);
	}
	fail("%s: state %d by TCP_INFO, waited for %d", role, now, state);
}

static void set_int(int fd, int level, int name, int val, const char *what)
{
	if (setsockopt(fd, level, name, &val, sizeof(val)))
		fail("setsockopt %s: %s", what, strerror(errno));
}

static int tcp_socket_of(int fam)
{
	int fd = socket(fam, SOCK_STREAM, 0);

	if (fd < 0)
		fail("socket: %s", strerror(errno));
	return fd;
}

static int tcp_socket(void)
{
	return tcp_socket_of(family);
}

/*
 * A listener on loopback:PORT, or with -m on [::]:PORT taking IPv4
 * clients too; @rcvbuf > 0 is inherited by children.
 */
static int listener(int backlog, int rcvbuf, struct sock_ends *e)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(&ss, PORT);
	int fd;

	if (mapped) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		memset(&ss, 0, sizeof(ss));
		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_any;
		s6->sin6_port = htons(PORT);
		len = sizeof(*s6);
		fd = tcp_socket_of(AF_INET6);
		set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 0, "IPV6_V6ONLY");
	} else {
		fd = tcp_socket();
	}

	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	if (rcvbuf)
		set_int(fd, SOL_SOCKET, SO_RCVBUF, rcvbuf, "SO_RCVBUF");
	if (bind(fd, (struct sockaddr *)&ss, len))
		fail("bind: %s", strerror(errno));
	if (listen(fd, backlog))
		fail("listen: %s", strerror(errno));
	listener_ends(fd, "L", e);
	return fd;
}

static int connect_to(const char *role, struct sock_ends *e)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(&ss, PORT);
	int fd = tcp_socket();

	if (connect(fd, (struct sockaddr *)&ss, len))
		fail("connect %s: %s", role, strerror(errno));
	get_ends(fd, role, e);
	return fd;
}

static int accept_one(int lfd, const char *role, struct sock_ends *e)
{
	int fd = accept(lfd, NULL, NULL);

	if (fd < 0)
		fail("accept %s: %s", role, strerror(errno));
	get_ends(fd, role, e);
	return fd;
}

/* The accept-queue child of a connection, by the client's ends. */
/* An IPv4 address as an AF_INET6 socket has it: ::ffff:a.b.c.d. */
static void v4_mapped(struct sockaddr_storage *ss)
{
	struct sockaddr_in s4 = *(const struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	s6->sin6_family = AF_INET6;
	s6->sin6_port = s4.sin_port;
	s6->sin6_addr.s6_addr[10] = 0xff;
	s6->sin6_addr.s6_addr[11] = 0xff;
	memcpy(&s6->sin6_addr.s6_addr[12], &s4.sin_addr, 4);
}

/* The server side of @client's connection (a child of the listener). */
static void child_ends(const struct sock_ends *client, const char *role,
		       struct sock_ends *e)
{
	e->role = role;
	e->local = client->remote;
	e->remote = client->local;
	e->cookie = 0;	/* unknown until accepted */
	if (mapped) {
		v4_mapped(&e->local);
		v4_mapped(&e->remote);
	}
}

static void close_fd(int fd, const char *role)
{
	if (close(fd))
		fail("close %s: %s", role, strerror(errno));
}

/* Read until EOF, so no unread data turns a close into a reset. */
static void read_eof(int fd, const char *role)
{
	char buf[4096];
	ssize_t n;

	do {
		n = read(fd, buf, sizeof(buf));
	} while (n > 0);
	if (n < 0)
		fail("read %s: %s", role, strerror(errno));
}

static void shut_wr(int fd, const char *role)
{
	if (shutdown(fd, SHUT_WR))
		fail("shutdown %s: %s", role, strerror(errno));
}

/* TcpExt ListenOverflows of this netns, from /proc/net/netstat. */
static long listen_overflows(void)
{
	char names[4096], values[4096];
	char *n, *v, *np, *vp;
	long val = -1;
	FILE *f = fopen("/proc/net/netstat", "r");

	if (!f)
		fail("/proc/net/netstat: %s", strerror(errno));
	while (fgets(names, sizeof(names), f) && fgets(values, sizeof(values), f)) {
		if (strncmp(names, "TcpExt:", 7))
			continue;
		n = strtok_r(names, " \n", &np);
		v = strtok_r(values, " \n", &vp);
		while (n && v) {
			if (!strcmp(n, "ListenOverflows"))
				val = atol(v);
			n = strtok_r(NULL, " \n", &np);
			v = strtok_r(NULL, " \n", &vp);
		}
	}
	fclose(f);
	if (val < 0)
		fail("no TcpExt ListenOverflows in /proc/net/netstat");
	return val;
}

/* ---- sequences ---- */

/*
 * A connection over a fresh listener: L listens, C connects, S is the
 * accepted child.
 */
static void open_pair(int *l, int *c, int *s, struct sock_ends *le,
		      struct sock_ends *ce, struct sock_ends *se, int rcvbuf)
{
	*l = listener(8, rcvbuf, le);
	*c = connect_to("C", ce);
	*s = accept_one(*l, "S", se);
	print_sock(le);
	print_sock(ce);
	print_sock(se);
}

static void close_listener(int l, const struct sock_ends *le)
{
	close_fd(l, "L");
	wait_proc_state(le, ST_GONE);
}

/*
 * @a closes first.  It is orphaned in FIN_WAIT2 when its FIN is acked,
 * and then takes one of two paths, which the kernel chooses by timing: if
 * the ACK came while close() still held the socket lock (processed from
 * its backlog), the full socket waits in FIN_WAIT2 for the peer's FIN,
 * which makes it a timewait socket in substate TIME_WAIT; otherwise it
 * becomes a timewait socket in substate FIN_WAIT2 at once, and the peer's
 * FIN moves that to TIME_WAIT.  The timer column of /proc/net/tcp tells
 * them apart (3: timewait): printed as the fact "<role>-fin-wait2
 * timewait|full" for the judge.
 */
static void orphan_close(int a, const struct sock_ends *ae)
{
	unsigned int timer;
	int ms;

	close_fd(a, ae->role);
	wait_proc_state(ae, ST_FIN_WAIT2);
	/*
	 * On the timewait path the full socket is in FIN_WAIT2 for the
	 * moment between two lines of the ACK's processing, which a loaded
	 * vCPU can stretch: only a full socket still there after a second
	 * is on the other path (it stays until the peer's FIN, not sent yet).
	 */
	for (ms = 0; ms < FIN_WAIT2_SETTLE_MS; ms++) {
		timer = 0;
		proc_state_timer(ae, &timer);
		if (timer == 3)
			break;
		sleep_ms(1);
	}
	printf("FACT %s-fin-wait2 %s\n", ae->role,
	       timer == 3 ? "timewait" : "full");
}

/* @a closes first (orphan_close()), @b after seeing EOF. */
static void active_close(int a, const struct sock_ends *ae, int b,
			 const struct sock_ends *be)
{
	orphan_close(a, ae);
	wait_info_state(b, be->role, ST_CLOSE_WAIT);
	read_eof(b, be->role);
	close_fd(b, be->role);
	wait_proc_state(be, ST_GONE);
	wait_proc_state(ae, ST_TIME_WAIT);
}

/* The client closes first. */
static void seq_client_close(void)
{
	struct sock_ends le, ce, se;
	int l, c, s;

	open_pair(&l, &c, &s, &le, &ce, &se, 0);
	active_close(c, &ce, s, &se);
	close_listener(l, &le);
}

/* The accepted socket closes first. */
static void seq_server_close(void)
{
	struct sock_ends le, ce, se;
	int l, c, s;

	open_pair(&l, &c, &s, &le, &ce, &se, 0);
	active_close(s, &se, c, &ce);
	close_listener(l, &le);
}

/*
 * The client shuts down its sending side and keeps the socket: not
 * orphaned, it waits in FIN_WAIT2 for the server's FIN, which takes it to
 * a timewait socket in substate TIME_WAIT.  Closing the full socket, then
 * already CLOSE, changes no state.
 */
static void seq_client_shutdown(void)
{
	struct sock_ends le, ce, se;
	int l, c, s;

	open_pair(&l, &c, &s, &le, &ce, &se, 0);
	shut_wr(c, "C");
	wait_info_state(c, "C", ST_FIN_WAIT2);
	wait_info_state(s, "S", ST_CLOSE_WAIT);
	read_eof(s, "S");
	close_fd(s, "S");
	wait_proc_state(&se, ST_GONE);
	wait_proc_state(&ce, ST_TIME_WAIT);
	wait_info_state(c, "C", ST_CLOSE);
	read_eof(c, "C");
	close_fd(c, "C");
	close_listener(l, &le);
}

/* Bytes @fd has queued but not sent (SIOCOUTQNSD). */
static int unsent(int fd)
{
	int n;

	if (ioctl(fd, SIOCOUTQNSD, &n))
		fail("SIOCOUTQNSD: %s", strerror(errno));
	return n;
}

/* Write a sysctl of this netns. */
static void sysctl_set(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(val, f) < 0 || fclose(f))
		fail("%s: %s", path, strerror(errno));
}

/*
 * Fill the peer's receive buffer from @c until the peer advertises a zero
 * window with data still queued in @c.  Unsent data alone may be a
 * congestion window waiting for a delayed ACK, which a FIN would follow.
 */
static void fill_window(int c, const char *role)
{
	ssize_t n;
	int i;

	/* Autocorking holds back small writes for a moment: not a window. */
	sysctl_set("/proc/sys/net/ipv4/tcp_autocorking", "0");
	set_int(c, IPPROTO_TCP, TCP_NODELAY, 1, "TCP_NODELAY");
	for (i = 0; i < FILL_MAX;) {
		if (!unsent(c)) {
			/* One byte a time: what stays queued is one byte, which
			 * any window update lets out at once. */
			n = send(c, "x", 1, MSG_DONTWAIT);
			if (n < 0 && errno != EAGAIN)
				fail("send %s: %s", role, strerror(errno));
			i += n > 0 ? n : 0;
		} else if (!get_info(c, role).tcpi_snd_wnd) {
			break;
		} else {
			sleep_ms(1);
		}
	}
	if (!unsent(c) || get_info(c, role).tcpi_snd_wnd)
		fail("the peer's window did not close after %d bytes", i);
	printf("FACT fill-bytes %d\n", i);
}

/*
 * Shut down @c's sending side with its FIN held behind the zero window
 * fill_window() made: FIN_WAIT1, and the peer @s saw nothing.
 */
static void shut_wr_held(int c, const char *role, int s, const char *peer)
{
	shut_wr(c, role);
	wait_info_state(c, role, ST_FIN_WAIT1);
	if (info_state(s, peer) != ST_ESTABLISHED)
		fail("%s left ESTABLISHED: %s's FIN got out", peer, role);
	printf("FACT fin-held yes\n");
}

/*
 * Both ends close before either has seen the other's FIN.  On loopback a
 * FIN is delivered as it is sent, so the client's is held back by a zero
 * window: S (small receive buffer, never read) fills up, C queues one
 * more chunk and its FIN behind it (FIN_WAIT1, nothing sent).  S then
 * closes: its FIN reaches C in FIN_WAIT1 (-> CLOSING), C acks it (S ->
 * FIN_WAIT2), and C's data and FIN follow as soon as S's window opens
 * (in that FIN's window or when S reads): S enters TIME_WAIT from
 * FIN_WAIT2, and C, its FIN acked, from CLOSING.
 */
static void seq_simultaneous_close(void)
{
	struct sock_ends le, ce, se;
	int l, c, s;

	open_pair(&l, &c, &s, &le, &ce, &se, 2048);
	fill_window(c, "C");
	shut_wr_held(c, "C", s, "S");

	shut_wr(s, "S");
	read_eof(s, "S");
	wait_proc_state(&ce, ST_TIME_WAIT);
	wait_proc_state(&se, ST_TIME_WAIT);
	wait_info_state(c, "C", ST_CLOSE);
	wait_info_state(s, "S", ST_CLOSE);
	read_eof(c, "C");
	close_fd(c, "C");
	close_fd(s, "S");
	close_listener(l, &le);
}

/* A recv() on the held socket, into a page userfaultfd keeps missing. */
struct stalled_recv {
	int fd;
	char *page;
	ssize_t ret;
};

static void *stalled_recv(void *arg)
{
	struct stalled_recv *r = arg;

	r->ret = recv(r->fd, r->page, 1, 0);
	return NULL;
}

/*
 * The textbook simultaneous close, FINs crossing: both ends in FIN_WAIT1
 * receive the other's FIN before the ACK of their own, both go through
 * CLOSING.  Loopback delivers each packet as it is sent, so C is kept
 * "owned by user" meanwhile: a thread's recv() on C faults on a
 * userfaultfd page while holding C's socket lock, and what arrives for C
 * waits in its backlog.  With C's FIN held by S's zero window (as above):
 * S reads (its window update goes to C's backlog), S closes (its FIN
 * too).  The fault is then resolved and C works through its backlog: the
 * window update sends C's data and FIN, which S, in FIN_WAIT1, takes
 * before any ACK of its own FIN (-> CLOSING); then S's FIN, which C takes
 * in FIN_WAIT1 with its own FIN unacked (-> CLOSING); the two ACKs end
 * both in TIME_WAIT.
 */
static void seq_crossed_close(void)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct stalled_recv r;
	struct uffdio_copy copy;
	struct sock_ends le, ce, se;
	struct uffd_msg msg;
	struct pollfd pfd;
	long page = sysconf(_SC_PAGESIZE);
	char *src, buf[4096];
	int l, c, s, uffd;
	unsigned int segs;
	pthread_t thread;
	ssize_t n;

	uffd = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0) {
		printf("SKIP crossed-close: userfaultfd: %s\n", strerror(errno));
		return;
	}
	if (ioctl(uffd, UFFDIO_API, &api))
		fail("UFFDIO_API: %s", strerror(errno));
	r.page = mmap(NULL, page, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	src = mmap(NULL, page, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (r.page == MAP_FAILED || src == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	reg.range.start = (unsigned long)r.page;
	reg.range.len = page;
	if (ioctl(uffd, UFFDIO_REGISTER, &reg))
		fail("UFFDIO_REGISTER: %s", strerror(errno));

	open_pair(&l, &c, &s, &le, &ce, &se, 2048);
	/* A byte for the stalled recv() to copy. */
	if (send(s, "y", 1, 0) != 1)
		fail("send S: %s", strerror(errno));
	fill_window(c, "C");
	shut_wr_held(c, "C", s, "S");

	r.fd = c;
	if (pthread_create(&thread, NULL, stalled_recv, &r))
		fail("pthread_create");
	pfd = (struct pollfd){ .fd = uffd, .events = POLLIN };
	if (poll(&pfd, 1, WAIT_MS) != 1 || read(uffd, &msg, sizeof(msg)) !=
	    sizeof(msg) || msg.event != UFFD_EVENT_PAGEFAULT)
		fail("the recv() on C did not fault");
	printf("FACT c-held yes\n");

	/* C's lock is held: only /proc/net/tcp may look at it now. */
	segs = get_info(s, "S").tcpi_segs_out;
	do {
		n = recv(s, buf, sizeof(buf), MSG_DONTWAIT);
	} while (n > 0);
	/* The window update is out (to C's backlog) before S's FIN. */
	if (get_info(s, "S").tcpi_segs_out == segs)
		fail("S sent no window update");
	/*
	 * A backlog coalesces a segment into the one before it when their
	 * headers match, TCP timestamps included: the FIN would then come
	 * with the window update in one segment, and C would ack the FIN
	 * before sending its own.  The timestamps tick in milliseconds.
	 */
	sleep_ms(20);
	shut_wr(s, "S");
	wait_info_state(s, "S", ST_FIN_WAIT1);
	if (proc_state(&ce) != ST_FIN_WAIT1)
		fail("C moved while held");

	memset(src, 'z', page);
	copy = (struct uffdio_copy){ .dst = (unsigned long)r.page,
				     .src = (unsigned long)src, .len = page };
	if (ioctl(uffd, UFFDIO_COPY, &copy))
		fail("UFFDIO_COPY: %s", strerror(errno));
	pthread_join(thread, NULL);
	if (r.ret != 1)
		fail("recv C: %zd", r.ret);

	wait_proc_state(&ce, ST_TIME_WAIT);
	wait_proc_state(&se, ST_TIME_WAIT);
	wait_info_state(c, "C", ST_CLOSE);
	wait_info_state(s, "S", ST_CLOSE);
	read_eof(s, "S");
	read_eof(c, "C");
	close_fd(c, "C");
	close_fd(s, "S");
	close_listener(l, &le);
	close(uffd);
}

/*
 * Listen with backlog 0: one connection fills the accept queue, so the
 * next SYN is dropped (TcpExt ListenOverflows) and makes no request
 * socket.  The dropped client is closed in SYN_SENT; then the queued one
 * is accepted and the server closes it first.
 */
static void seq_full_accept_queue(void)
{
	struct sock_ends le, c1e, c2e, se;
	struct sockaddr_storage ss;
	socklen_t len = make_sa(&ss, PORT);
	long before;
	int l, c1, c2, s, ms;

	l = listener(0, 0, &le);
	print_sock(&le);
	c1 = connect_to("C1", &c1e);
	print_sock(&c1e);
	child_ends(&c1e, "S", &se);
	wait_proc_state(&se, ST_ESTABLISHED);

	before = listen_overflows();
	c2 = tcp_socket();
	if (fcntl(c2, F_SETFL, O_NONBLOCK))
		fail("O_NONBLOCK: %s", strerror(errno));
	if (!connect(c2, (struct sockaddr *)&ss, len) || errno != EINPROGRESS)
		fail("connect C2: not in progress: %s", strerror(errno));
	for (ms = 0; ms < WAIT_MS && listen_overflows() == before; ms++)
		sleep_ms(1);
	printf("FACT listen-overflows %ld\n", listen_overflows() - before);
	len = sizeof(c2e.local);
	if (getsockname(c2, (struct sockaddr *)&c2e.local, &len))
		fail("getsockname C2: %s", strerror(errno));
	c2e.role = "C2";
	c2e.remote = ss;
	c2e.cookie = sock_cookie(c2, "C2");
	print_sock(&c2e);
	if (info_state(c2, "C2") != ST_SYN_SENT)
		fail("C2 not in SYN_SENT");
	close_fd(c2, "C2");

	s = accept_one(l, "S", &se);
	print_sock(&se);
	active_close(s, &se, c1, &c1e);
	close_listener(l, &le);
}

/*
 * A listener closed with a connection still in its accept queue: the
 * child is disconnected (-> CLOSE, a reset to the client), the client
 * goes to CLOSE on the reset and is closed once more.
 */
static void seq_listener_close(void)
{
	struct sock_ends le, ce, se;
	int l, c;

	l = listener(8, 0, &le);
	print_sock(&le);
	c = connect_to("C", &ce);
	print_sock(&ce);
	child_ends(&ce, "S", &se);
	print_sock(&se);
	wait_proc_state(&se, ST_ESTABLISHED);

	close_listener(l, &le);
	wait_proc_state(&se, ST_GONE);
	wait_info_state(c, "C", ST_CLOSE);
	close_fd(c, "C");
}

/* Close with SO_LINGER 0: a reset instead of a FIN. */
static void close_reset(int fd, const char *role)
{
	struct linger lin = { .l_onoff = 1, .l_linger = 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &lin, sizeof(lin)))
		fail("SO_LINGER %s: %s", role, strerror(errno));
	close_fd(fd, role);
}

/*
 * A request socket reset: the listener defers accepting until data comes
 * (TCP_DEFER_ACCEPT), so the server end stays a request socket after the
 * handshake; the client closes with SO_LINGER 0, and its RST drops the
 * request.
 */
static void seq_request_reset(void)
{
	struct sock_ends le, ce, se;
	int l, c;

	l = listener(8, 0, &le);
	set_int(l, IPPROTO_TCP, TCP_DEFER_ACCEPT, 600, "TCP_DEFER_ACCEPT");
	print_sock(&le);
	c = connect_to("C", &ce);
	print_sock(&ce);
	child_ends(&ce, "R", &se);
	print_sock(&se);
	wait_proc_state(&se, ST_SYN_RECV);
	close_reset(c, "C");
	wait_proc_state(&se, ST_GONE);
	close_listener(l, &le);
}

/*
 * A timewait socket reset: C closes first and waits in FIN_WAIT2 for a
 * FIN that never comes; S closes with SO_LINGER 0 instead, and its RST
 * (in window) ends C's timewait socket, or, on the other path, C's full
 * socket.
 */
static void seq_timewait_reset(void)
{
	struct sock_ends le, ce, se;
	int l, c, s;

	open_pair(&l, &c, &s, &le, &ce, &se, 0);
	orphan_close(c, &ce);
	wait_info_state(s, "S", ST_CLOSE_WAIT);
	read_eof(s, "S");
	close_reset(s, "S");
	wait_proc_state(&se, ST_GONE);
	wait_proc_state(&ce, ST_GONE);
	close_listener(l, &le);
}

/* A client socket bound to @local (SO_REUSEADDR) before it connects. */
static int connect_from(const char *role, const struct sockaddr_storage *local,
			struct sock_ends *e)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(&ss, PORT);
	int fd = tcp_socket();

	set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR");
	if (bind(fd, (const struct sockaddr *)local, len))
		fail("bind %s: %s", role, strerror(errno));
	if (connect(fd, (struct sockaddr *)&ss, len))
		fail("connect %s: %s", role, strerror(errno));
	get_ends(fd, role, e);
	return fd;
}

/*
 * A timewait socket reused: C, bound before it connects, closes first
 * and ends in TIME_WAIT; C2 binds the same port and connects to the same
 * listener, the same four-tuple: its connect() takes over C's timewait
 * socket, which ends.  Then C2 resets the new connection.
 */
static void seq_timewait_reuse(void)
{
	struct sock_ends le, ce, se, c2e, s2e;
	struct sockaddr_storage any;
	int l, c, s, c2, s2;

	l = listener(8, 0, &le);
	make_sa(&any, 0);
	c = connect_from("C", &any, &ce);
	s = accept_one(l, "S", &se);
	print_sock(&le);
	print_sock(&ce);
	print_sock(&se);
	active_close(c, &ce, s, &se);

	c2 = connect_from("C2", &ce.local, &c2e);
	s2 = accept_one(l, "S2", &s2e);
	print_sock(&c2e);
	print_sock(&s2e);
	close_reset(c2, "C2");
	wait_info_state(s2, "S2", ST_CLOSE);
	close_fd(s2, "S2");
	wait_proc_state(&s2e, ST_GONE);
	close_listener(l, &le);
}

/* The 16-bit ones' complement sum of RFC 1071, folded. */
static unsigned int csum_add(unsigned int sum, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += p[len - 1] << 8;
	return sum;
}

static uint16_t csum_fold(unsigned int sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons(~sum & 0xffff);
}

/* Where the spoofed SYN comes from: routed out of lo, never answered. */
#define GHOST_ADDR	"10.200.0.1"
#define GHOST_PORT	40000

/*
 * A request socket that expires: a SYN from an address whose SYN-ACKs go
 * nowhere (a raw IPv4 packet from 10.200.0.1, routed back out of lo, which
 * drops what is not its own), so the handshake never completes and the
 * request's timer drops it after tcp_synack_retries (set to 1 here: 1 s,
 * then 2 s).  IPv4 only.
 */
static void seq_request_expire(void)
{
	struct {
		unsigned char ip[20];
		unsigned char tcp[20];
	} pkt;
	struct sockaddr_in dst = { .sin_family = AF_INET };
	struct sock_ends le, re;
	struct sockaddr_in *g;
	unsigned char pseudo[12];
	unsigned int sum;
	int l, raw, ms, one = 1;
	FILE *f;

	f = fopen("/proc/sys/net/ipv4/tcp_synack_retries", "w");
	if (!f || fprintf(f, "1\n") < 0 || fclose(f))
		fail("tcp_synack_retries: %s", strerror(errno));
	if (system("ip route add " GHOST_ADDR "/32 dev lo"))
		fail("ip route add " GHOST_ADDR " dev lo");
	l = listener(8, 0, &le);
	print_sock(&le);

	memset(&pkt, 0, sizeof(pkt));
	pkt.ip[0] = 0x45;
	pkt.ip[3] = sizeof(pkt);
	pkt.ip[8] = 64;
	pkt.ip[9] = IPPROTO_TCP;
	inet_pton(AF_INET, GHOST_ADDR, &pkt.ip[12]);
	inet_pton(AF_INET, "127.0.0.1", &pkt.ip[16]);
	pkt.tcp[0] = GHOST_PORT >> 8;
	pkt.tcp[1] = GHOST_PORT & 0xff;
	pkt.tcp[2] = PORT >> 8;
	pkt.tcp[3] = PORT & 0xff;
	pkt.tcp[7] = 1;			/* seq 1 */
	pkt.tcp[12] = 5 << 4;		/* 20-byte header */
	pkt.tcp[13] = 0x02;		/* SYN */
	pkt.tcp[14] = 0xff;		/* window */
	memcpy(pseudo, &pkt.ip[12], 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_TCP;
	pseudo[10] = 0;
	pseudo[11] = sizeof(pkt.tcp);
	sum = csum_add(csum_add(0, pseudo, sizeof(pseudo)), pkt.tcp,
		       sizeof(pkt.tcp));
	memcpy(&pkt.tcp[16], &(uint16_t){ csum_fold(sum) }, 2);
	memcpy(&pkt.ip[10], &(uint16_t){ csum_fold(csum_add(0, pkt.ip, 20)) }, 2);

	raw = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (raw < 0 || setsockopt(raw, IPPROTO_IP, IP_HDRINCL, &one, sizeof(one)))
		fail("raw socket: %s", strerror(errno));
	dst.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (sendto(raw, &pkt, sizeof(pkt), 0, (struct sockaddr *)&dst,
		   sizeof(dst)) != sizeof(pkt))
		fail("sendto: %s", strerror(errno));
	close(raw);

	re = le;
	re.role = "R";
	re.cookie = 0;
	g = (struct sockaddr_in *)&re.remote;
	g->sin_family = AF_INET;
	inet_pton(AF_INET, GHOST_ADDR, &g->sin_addr);
	g->sin_port = htons(GHOST_PORT);
	print_sock(&re);
	wait_proc_state(&re, ST_SYN_RECV);
	/* Dropped by its timer after about 3 s. */
	for (ms = 0; ms < 4 * WAIT_MS && proc_state(&re) != ST_GONE; ms++)
		sleep_ms(1);
	if (proc_state(&re) != ST_GONE)
		fail("R: the request did not expire");
	close_listener(l, &le);
}

/* ---- the benchmark ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * One connection after another: connect, accept, client closes, server
 * closes.  TIME_WAIT sockets pile up on the client side; loopback lets
 * connect() reuse their ports (tcp_tw_reuse=2, the default).
 */
static void bench(double seconds)
{
	struct sockaddr_storage ss;
	socklen_t len = make_sa(&ss, PORT);
	struct sock_ends le;
	double start, t;
	long n = 0;
	int l, c, s;

	l = listener(128, 0, &le);
	start = now_s();
	do {
		c = tcp_socket();
		if (connect(c, (struct sockaddr *)&ss, len))
			fail("connect: %s", strerror(errno));
		s = accept(l, NULL, NULL);
		if (s < 0)
			fail("accept: %s", strerror(errno));
		close(c);
		close(s);
		n++;
		t = now_s() - start;
	} while (t < seconds);
	close(l);
	printf("BENCH connections %ld seconds %.3f rate %.1f\n", n, t, n / t);
}

static const struct {
	const char *name;
	void (*run)(void);
} sequences[] = {
	{ "client-close", seq_client_close },
	{ "server-close", seq_server_close },
	{ "client-shutdown", seq_client_shutdown },
	{ "simultaneous-close", seq_simultaneous_close },
	{ "crossed-close", seq_crossed_close },
	{ "full-accept-queue", seq_full_accept_queue },
	{ "listener-close", seq_listener_close },
	{ "request-reset", seq_request_reset },
	{ "request-expire", seq_request_expire },
	{ "timewait-reset", seq_timewait_reset },
	{ "timewait-reuse", seq_timewait_reuse },
};

/* ---- following the log: poll(), a blocking read, LOST ---- */

#define FOLLOW_PATH	"/proc/tcpstates_transitions_follow"

/* The lines of @buf[0..n) that hold @what, printed as FOLLOW lines. */
static int lines_with(const char *buf, ssize_t n, const char *what)
{
	const char *p = buf, *end = buf + n, *nl;
	int found = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			break;
		printf("FOLLOW %.*s\n", (int)(nl - p), p);
		if (memmem(p, nl - p, what, strlen(what)))
			found++;
	}
	return found;
}

static void *client_close_later(void *arg)
{
	(void)arg;
	usleep(300 * 1000);
	seq_client_close();
	return NULL;
}

/* Read @fd without waiting until EAGAIN; the bytes, or -1 on an error. */
static ssize_t drain(int fd, char *buf, size_t size)
{
	int flags = fcntl(fd, F_GETFL);
	ssize_t n, total = 0;

	fcntl(fd, F_SETFL, flags | O_NONBLOCK);
	while ((n = read(fd, buf, size)) > 0)
		total += n;
	printf("FACT follow-drain-end %s\n", n < 0 ? strerror(errno) : "EOF");
	fcntl(fd, F_SETFL, flags);
	return n < 0 && errno == EAGAIN ? total : -1;
}

/*
 * Open the follow file, take its snapshot (until EAGAIN), then: poll()
 * with nothing new, poll() and a read after a connection, a read that
 * waits for a connection made 300 ms later.  With @lost: three
 * connections made before one read, for a ring of 16.
 */
static void follow(bool lost)
{
	static char buf[1 << 20];
	int fd = open(FOLLOW_PATH, O_RDONLY | O_CLOEXEC);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	pthread_t th;
	double t0;
	ssize_t n;
	int ready;

	if (fd < 0)
		fail("open %s: %s", FOLLOW_PATH, strerror(errno));
	n = drain(fd, buf, sizeof(buf));
	printf("FACT follow-snapshot-bytes %zd\n", n);
	if (lost) {
		seq_client_close();
		seq_client_close();
		seq_client_close();
		n = read(fd, buf, sizeof(buf));
		printf("FACT follow-lost-first %.*s\n",
		       (int)(n > 0 ? strcspn(buf, "\n") : 0), buf);
		printf("FACT follow-lost-entries %d\n",
		       n > 0 ? lines_with(buf, n, " tcp ") : -1);
		close(fd);
		return;
	}
	printf("FACT follow-idle-poll %d\n", poll(&p, 1, 200));

	seq_client_close();
	ready = poll(&p, 1, 5000);
	printf("FACT follow-poll %d %s\n", ready,
	       p.revents & POLLIN ? "POLLIN" : "-");
	n = read(fd, buf, sizeof(buf));
	printf("FACT follow-read-connects %d\n",
	       n > 0 ? lines_with(buf, n, "SYN_SENT") : -1);

	if (pthread_create(&th, NULL, client_close_later, NULL))
		fail("pthread_create");
	t0 = now_s();
	n = read(fd, buf, sizeof(buf));
	printf("FACT follow-blocked-ms %.0f\n", (now_s() - t0) * 1000);
	printf("FACT follow-blocked-connects %d\n",
	       n > 0 ? lines_with(buf, n, "SYN_SENT") : -1);
	pthread_join(th, NULL);
	close(fd);
}

static __noreturn void usage(void)
{
	unsigned int i;

	fprintf(stderr, "usage: transdrive [-6|-m] SEQUENCE... | bench SECONDS | follow [lost]\nsequences:");
	for (i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++)
		fprintf(stderr, " %s", sequences[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

static void run(const char *name)
{
	unsigned int i;

	for (i = 0; i < sizeof(sequences) / sizeof(sequences[0]); i++) {
		if (strcmp(name, sequences[i].name))
			continue;
		printf("SEQ %s %s\n", name, family == AF_INET6 ? "tcp6" : "tcp");
		sequences[i].run();
		printf("DONE %s\n", name);
		return;
	}
	usage();
}

int main(int argc, char **argv)
{
	int i;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 1 && !strcmp(argv[1], "-6")) {
		family = AF_INET6;
		argv++;
		argc--;
	} else if (argc > 1 && !strcmp(argv[1], "-m")) {
		mapped = true;
		argv++;
		argc--;
	}
	if (argc == 3 && !strcmp(argv[1], "bench")) {
		bench(atof(argv[2]));
		return 0;
	}
	if (argc >= 2 && argc <= 3 && !strcmp(argv[1], "follow")) {
		follow(argc == 3 && !strcmp(argv[2], "lost"));
		return 0;
	}
	if (argc < 2)
		usage();
	for (i = 1; i < argc; i++)
		run(argv[i]);
	return 0;
}
