// SPDX-License-Identifier: GPL-2.0
/*
 * A sock_diag dump of the TCP listeners, IPv4 then IPv6: for a listener
 * the kernel puts the accept queue's length in idiag_rqueue and its
 * limit (sk_max_ack_backlog) in idiag_wqueue.  The queue is full when
 * the length exceeds the limit (sk_acceptq_is_full()); new handshakes
 * are then dropped.
 */
#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backlog.h"
#include "msg.h"

static int tcps_backlog_cmp(const void *a, const void *b)
{
	const struct tcps_backlog *x = a, *y = b;

	return (x->inode > y->inode) - (x->inode < y->inode);
}

static int tcps_backlog_add(struct tcps_backlogs *b,
			    const struct inet_diag_msg *m)
{
	struct tcps_backlog *v;

	if (b->n == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 64;
		v = reallocarray(b->v, b->cap, sizeof(*v));
		if (!v) {
			tcps_err("out of memory");
			return TCPS_EXIT_RUNTIME;
		}
		b->v = v;
	}
	b->v[b->n++] = (struct tcps_backlog){
		.inode = m->idiag_inode, .queued = m->idiag_rqueue,
		.limit = m->idiag_wqueue,
	};
	return TCPS_EXIT_OK;
}

/* One family's listeners; TCPS_EXIT_*. */
static int tcps_backlog_dump(struct tcps_backlogs *b, int fd, int family)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} q = {
		.nlh = {
			.nlmsg_len = sizeof(q),
			.nlmsg_type = SOCK_DIAG_BY_FAMILY,
			.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		},
		.req = {
			.sdiag_family = (unsigned char)family,
			.sdiag_protocol = IPPROTO_TCP,
			.idiag_states = 1u << TCP_LISTEN,
		},
	};
	static char buf[32768];
	struct nlmsghdr *h;
	ssize_t n;
	int rc;

	if (send(fd, &q, sizeof(q), 0) != sizeof(q))
		goto fail;
	for (;;) {
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return TCPS_EXIT_OK;
			if (h->nlmsg_type == NLMSG_ERROR) {
				errno = -((struct nlmsgerr *)NLMSG_DATA(h))->error;
				goto fail;
			}
			if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
				continue;
			rc = tcps_backlog_add(b, NLMSG_DATA(h));
			if (rc)
				return rc;
		}
	}
fail:
	tcps_err("the listeners' accept queues (inet_diag over netlink): %s",
		 strerror(errno ? errno : EIO));
	return TCPS_EXIT_RUNTIME;
}

int tcps_backlogs_read(struct tcps_backlogs *b)
{
	int fd, rc;

	memset(b, 0, sizeof(*b));
	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0) {
		tcps_err("netlink socket for inet_diag: %s", strerror(errno));
		return TCPS_EXIT_RUNTIME;
	}
	rc = tcps_backlog_dump(b, fd, AF_INET);
	if (!rc)
		rc = tcps_backlog_dump(b, fd, AF_INET6);
	close(fd);
	if (!rc)
		qsort(b->v, b->n, sizeof(*b->v), tcps_backlog_cmp);
	return rc;
}

const struct tcps_backlog *tcps_backlogs_find(const struct tcps_backlogs *b,
					      unsigned long long inode)
{
	struct tcps_backlog key = { .inode = (unsigned int)inode };

	/* inet_diag's inode is 32 bits, as socket inode numbers are. */
	if (!inode || inode > 0xffffffffULL)
		return NULL;
	return bsearch(&key, b->v, b->n, sizeof(*b->v), tcps_backlog_cmp);
}

void tcps_backlogs_free(struct tcps_backlogs *b)
{
	free(b->v);
	memset(b, 0, sizeof(*b));
}
