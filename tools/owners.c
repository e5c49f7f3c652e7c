// SPDX-License-Identifier: GPL-2.0
/*
 * Socket owners from /proc, the way ss -p and netstat -p find them: every
 * /proc/PID/fd/N that links to "socket:[INODE]".  A user sees the
 * descriptors of the processes /proc lets them read (their own, or all
 * for root); the others are skipped without a word, as by ss.
 *
 * One pass, then one sort: looking up a row is a binary search, so 100k
 * sockets cost one scan of the descriptors and 100k searches.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msg.h"
#include "number.h"
#include "owners.h"

static void *tcps_grow(void *v, size_t *cap, size_t need, size_t size)
{
	size_t ncap = *cap ? *cap : 64;

	if (need <= *cap)
		return v;
	while (ncap < need)
		ncap *= 2;
	v = reallocarray(v, ncap, size);
	if (!v) {
		tcps_err("out of memory");
		exit(TCPS_EXIT_RUNTIME);
	}
	*cap = ncap;
	return v;
}

/* /proc/PID/comm without its newline; "?" if it cannot be read. */
static char *tcps_read_comm(int pidfd)
{
	char buf[64];
	ssize_t len;
	int fd;

	fd = openat(pidfd, "comm", O_RDONLY | O_CLOEXEC);
	len = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return strdup("?");
	buf[len] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return strdup(buf);
}

/* "socket:[123]" -> 123. */
static bool tcps_socket_inode(const char *link, unsigned long long *ino)
{
	char num[24];
	size_t len;

	if (strncmp(link, "socket:[", 8))
		return false;
	len = strlen(link + 8);
	if (len < 2 || len > sizeof(num) || link[8 + len - 1] != ']')
		return false;
	memcpy(num, link + 8, len - 1);
	num[len - 1] = '\0';
	return tcps_parse_u64(num, ino);
}

static void tcps_scan_pid(struct tcps_owners *o, int procfd, const char *pid)
{
	char link[64];
	struct dirent *d;
	unsigned long long ino, p;
	ssize_t len;
	char *comm = NULL;
	int pidfd, fdfd;
	DIR *dir;

	if (!tcps_parse_u64(pid, &p) || p > 0x7fffffff)
		return;
	pidfd = openat(procfd, pid, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (pidfd < 0)
		return;
	fdfd = openat(pidfd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = fdfd < 0 ? NULL : fdopendir(fdfd);
	if (!dir) {
		if (fdfd >= 0)
			close(fdfd);
		close(pidfd);
		return;	/* gone, or not ours to read */
	}
	while ((d = readdir(dir))) {
		len = readlinkat(fdfd, d->d_name, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = '\0';
		if (!tcps_socket_inode(link, &ino) || !isdigit(d->d_name[0]))
			continue;
		if (!comm) {
			comm = tcps_read_comm(pidfd);
			if (!comm) {
				tcps_err("out of memory");
				exit(TCPS_EXIT_RUNTIME);
			}
			o->comms = tcps_grow(o->comms, &o->comms_cap,
					     o->ncomms + 1, sizeof(*o->comms));
			o->comms[o->ncomms++] = comm;
		}
		o->v = tcps_grow(o->v, &o->cap, o->n + 1, sizeof(*o->v));
		o->v[o->n++] = (struct tcps_owner){
			.inode = ino, .pid = (int)p,
			.fd = atoi(d->d_name), .comm = comm,
		};
	}
	closedir(dir);
	close(pidfd);
}

static int tcps_owner_cmp(const void *a, const void *b)
{
	const struct tcps_owner *x = a, *y = b;

	if (x->inode != y->inode)
		return x->inode < y->inode ? -1 : 1;
	if (x->pid != y->pid)
		return x->pid < y->pid ? -1 : 1;
	return (x->fd > y->fd) - (x->fd < y->fd);
}

int tcps_owners_scan(struct tcps_owners *o, const char *proc)
{
	struct dirent *d;
	int procfd;
	DIR *dir;

	memset(o, 0, sizeof(*o));
	procfd = open(proc, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	dir = procfd < 0 ? NULL : fdopendir(procfd);
	if (!dir) {
		tcps_err("%s: %s (needed for -p)", proc, strerror(errno));
		if (procfd >= 0)
			close(procfd);
		return TCPS_EXIT_RUNTIME;
	}
	while ((d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0]))
			tcps_scan_pid(o, procfd, d->d_name);
	closedir(dir);
	/* qsort()'s array may not be NULL, even for no element. */
	if (o->n)
		qsort(o->v, o->n, sizeof(*o->v), tcps_owner_cmp);
	return TCPS_EXIT_OK;
}

const struct tcps_owner *tcps_owners_find(const struct tcps_owners *o,
					  unsigned long long inode, size_t *n)
{
	size_t lo = 0, hi = o->n, mid, end;

	*n = 0;
	/* Inode 0: a timewait or request socket, which no process holds. */
	if (!inode)
		return NULL;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (o->v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < o->n && o->v[end].inode == inode; end++)
		;
	*n = end - lo;
	return *n ? &o->v[lo] : NULL;
}

/* A name as text: what is not printable ASCII, or a quote, as '?'. */
static void tcps_put_comm(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(*s >= ' ' && *s <= '~' && *s != '"' && *s != '\\' ?
		      *s : '?', out);
}

void tcps_owners_print(FILE *out, const struct tcps_owner *w, size_t n)
{
	size_t i;

	if (!n)
		return;
	fputs("users:(", out);
	for (i = 0; i < n; i++) {
		fputs(i ? ",(\"" : "(\"", out);
		tcps_put_comm(out, w[i].comm);
		fprintf(out, "\",pid=%d,fd=%d)", w[i].pid, w[i].fd);
	}
	fputc(')', out);
}

void tcps_owners_json(FILE *out, const struct tcps_owner *w, size_t n)
{
	size_t i;

	fputc('[', out);
	for (i = 0; i < n; i++) {
		fputs(i ? ",{\"command\":\"" : "{\"command\":\"", out);
		tcps_put_comm(out, w[i].comm);
		fprintf(out, "\",\"pid\":%d,\"fd\":%d}", w[i].pid, w[i].fd);
	}
	fputc(']', out);
}

void tcps_owners_free(struct tcps_owners *o)
{
	size_t i;

	for (i = 0; i < o->ncomms; i++)
		free(o->comms[i]);
	free(o->comms);
	free(o->v);
	memset(o, 0, sizeof(*o));
}
