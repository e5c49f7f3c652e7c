// SPDX-License-Identifier: GPL-2.0
/*
 * Socket load for tests/bench/run.sh, run in the guest (static).
 *
 *   mksockets hold DIR SIZE...
 *	64 IPv4 and 16 IPv6 listeners, then loopback connection pairs (both
 *	ends ESTABLISHED, held open) up to the first SIZE; creates DIR/ready.SIZE
 *	and waits for SIGUSR1 to grow to the next SIZE; after the last, holds
 *	everything until killed.
 *   mksockets tw COUNT
 *   mksockets repair DIR FIRST COUNT
 *	COUNT ESTABLISHED sockets, numbers FIRST to FIRST + COUNT - 1 (so
 *	several processes can share the work), made in TCP repair mode
 *	(CAP_NET_ADMIN): connect() hashes them at once, no packet is sent,
 *	no timer runs, so a million cost minutes, not the hours a million
 *	handshakes take on a debug kernel under TCG.  One in 20 is IPv6, up
 *	to number 999999.  Creates DIR/ready.FIRST and holds them until
 *	killed.
 *	A steady COUNT of TIME_WAIT sockets: COUNT connections closed per
 *	60 s (the TIME_WAIT length), evenly, the client closing first.  The
 *	count is steady once the first 60 s have passed.
 *
 * Clients bind explicitly to distinct (127.x.y.z, port) pairs, so there is
 * no ephemeral port search and no exhaustion: 50000 ports per address.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PORT_FIRST	10000
#define PORTS		50000
#define PAIR_PORT	20000	/* on 127.0.0.1 */
#define TW_PORT		21000	/* on 127.0.0.1 */
#define TW_MSL_SECONDS	60
#define TICKS_PER_S	10

static void die(const char *fmt, ...)
{
	va_list ap;
	int e = errno;

	va_start(ap, fmt);
	fprintf(stderr, "mksockets: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, ": %s\n", strerror(e));
	va_end(ap);
	exit(1);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) < 0 || fclose(f))
		die("write %s", path);
}

static void raise_nofile(long n)
{
	struct rlimit rl = { .rlim_cur = n, .rlim_max = n };
	char buf[32];

	FILE *f = fopen("/proc/sys/fs/file-max", "r");
	long max = 0;

	/* System-wide: raise it, never lower what another process needs. */
	if (!f || fscanf(f, "%ld", &max) != 1)
		die("/proc/sys/fs/file-max");
	fclose(f);
	snprintf(buf, sizeof(buf), "%ld\n", n + 1024);
	write_file("/proc/sys/fs/nr_open", buf);
	if (max < n + 1024)
		write_file("/proc/sys/fs/file-max", buf);
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("setrlimit %ld", n);
}

static struct sockaddr_in v4(uint32_t host_order_addr, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET };

	a.sin_addr.s_addr = htonl(host_order_addr);
	a.sin_port = htons(port);
	return a;
}

static int listener(int family, int port, int backlog)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in a4 = v4(0x7f000001, port);
	int one = 1, fd = socket(family, SOCK_STREAM, 0);
	int err;

	if (fd < 0)
		die("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6) {
		a6.sin6_addr = in6addr_loopback;
		a6.sin6_port = htons(port);
		err = bind(fd, (struct sockaddr *)&a6, sizeof(a6));
	} else {
		err = bind(fd, (struct sockaddr *)&a4, sizeof(a4));
	}
	if (err || listen(fd, backlog))
		die("listen on port %d", port);
	return fd;
}

/*
 * Connect the @i-th client of address block @net (127.net.0.0/16) to
 * @port on 127.0.0.1 and accept it.  Return the client's fd; the server
 * end's goes to *@server.
 */
static int pair(int lfd, unsigned int net, unsigned long i, int port,
		int *server)
{
	struct sockaddr_in src = v4((127u << 24) | (net << 16) |
				    (unsigned int)(i / PORTS + 1),
				    PORT_FIRST + i % PORTS);
	struct sockaddr_in dst = v4(0x7f000001, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0)
		die("socket (client %lu)", i);
	if (bind(fd, (struct sockaddr *)&src, sizeof(src)))
		die("bind client %lu", i);
	if (connect(fd, (struct sockaddr *)&dst, sizeof(dst)))
		die("connect client %lu", i);
	*server = accept(lfd, NULL, NULL);
	if (*server < 0)
		die("accept %lu", i);
	return fd;
}

static int cmd_hold(const char *dir, int nsizes, char **sizes)
{
	unsigned long have = 0, want = strtoul(sizes[nsizes - 1], NULL, 10);
	sigset_t usr1;
	int lfd, s, i, sig;
	char path[256];

	raise_nofile(2 * want + 4096);
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	sigprocmask(SIG_BLOCK, &usr1, NULL);

	lfd = listener(AF_INET, PAIR_PORT, 4096);
	for (i = 1; i < 64; i++)
		listener(AF_INET, PAIR_PORT + i, 16);
	for (i = 0; i < 16; i++)
		listener(AF_INET6, PAIR_PORT + i, 16);

	for (i = 0; i < nsizes; i++) {
		want = strtoul(sizes[i], NULL, 10);
		for (; have < want; have++)
			pair(lfd, 1, have, PAIR_PORT, &s);
		snprintf(path, sizeof(path), "%s/ready.%s", dir, sizes[i]);
		write_file(path, "");
		if (i + 1 < nsizes && sigwait(&usr1, &sig))
			die("sigwait");
	}
	for (;;)
		pause();
	return 0;
}

static int cmd_tw(long count)
{
	unsigned long next = 0, made = 0, tick = 0;
	struct timespec t;
	int lfd, c, s;

	lfd = listener(AF_INET, TW_PORT, 4096);
	clock_gettime(CLOCK_MONOTONIC, &t);
	for (;;) {
		/* COUNT per TIME_WAIT length, spread over its ticks. */
		tick++;
		for (; made < count * tick / (TW_MSL_SECONDS * TICKS_PER_S);
		     made++) {
			/* 4 addresses: a (addr, port) comes back after 200k. */
			c = pair(lfd, 2, next, TW_PORT, &s);
			next = (next + 1) % (4 * PORTS);
			close(c);	/* the client closes first: its TIME_WAIT */
			close(s);
		}
		t.tv_nsec += 1000000000 / TICKS_PER_S;
		if (t.tv_nsec >= 1000000000) {
			t.tv_nsec -= 1000000000;
			t.tv_sec++;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t,
				       NULL) == EINTR)
			;
	}
	return 0;
}

/* The @i-th repaired socket: IPv6 ::1 for every 20th, else 127.3.0.0/16. */
static void repaired(unsigned long i)
{
	struct sockaddr_in6 s6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in6 d6 = { .sin6_family = AF_INET6 };
	struct sockaddr_in s4, d4 = v4(0x7f000001, 9);
	int one = 1, v6 = i % 20 == 0, fd;
	unsigned long j = v6 ? i / 20 : i - i / 20 - 1;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		die("socket (repaired %lu)", i);
	if (setsockopt(fd, IPPROTO_TCP, TCP_REPAIR, &one, sizeof(one)))
		die("TCP_REPAIR");
	if (v6) {
		if (j >= PORTS)
			die("more than %d IPv6 repaired sockets", PORTS);
		s6.sin6_addr = in6addr_loopback;
		s6.sin6_port = htons(PORT_FIRST + j);
		d6.sin6_addr = in6addr_loopback;
		d6.sin6_port = htons(9);
		if (bind(fd, (struct sockaddr *)&s6, sizeof(s6)) ||
		    connect(fd, (struct sockaddr *)&d6, sizeof(d6)))
			die("repaired %lu", i);
		return;
	}
	s4 = v4((127u << 24) | (3u << 16) | (unsigned int)(j / PORTS + 1),
		PORT_FIRST + j % PORTS);
	if (bind(fd, (struct sockaddr *)&s4, sizeof(s4)) ||
	    connect(fd, (struct sockaddr *)&d4, sizeof(d4)))
		die("repaired %lu", i);
}

static int cmd_repair(const char *dir, unsigned long first,
		      unsigned long count)
{
	char path[256];
	unsigned long i;

	raise_nofile(count + 4096);
	for (i = first; i < first + count; i++)
		repaired(i);
	snprintf(path, sizeof(path), "%s/ready.%lu", dir, first);
	write_file(path, "");
	for (;;)
		pause();
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], argc - 3, argv + 3);
	if (argc == 3 && !strcmp(argv[1], "tw"))
		return cmd_tw(strtol(argv[2], NULL, 10));
	if (argc == 5 && !strcmp(argv[1], "repair"))
		return cmd_repair(argv[2], strtoul(argv[3], NULL, 10),
				  strtoul(argv[4], NULL, 10));
	fprintf(stderr, "usage: mksockets hold DIR SIZE...\n"
		"       mksockets tw COUNT\n"
		"       mksockets repair DIR FIRST COUNT\n");
	return 2;
}
