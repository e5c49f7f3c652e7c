// SPDX-License-Identifier: GPL-2.0
/*
 * --watch: reread the file every interval and print the sockets (as
 * netstat -c does), or with -s the counts with their change since the
 * previous sample.
 *
 * Samples are due at fixed times (start + k * interval), so a slow read
 * of a big file does not make the series drift.  SIGINT and SIGTERM are
 * blocked except inside ppoll(), which waits for the next due time: a
 * signal then either interrupts that wait or is already pending when it
 * starts, and is never lost between a check and the wait.  Being stopped
 * that way is the normal end of a watch: exit status 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "msg.h"
#include "sample.h"
#include "watch.h"

/* Set by the handler: what C allows a handler to write. */
static volatile sig_atomic_t tcps_stop;

static void tcps_on_signal(int sig)
{
	(void)sig;
	tcps_stop = 1;
}

static void tcps_ts_add(struct timespec *a, const struct timespec *b)
{
	a->tv_sec += b->tv_sec;
	a->tv_nsec += b->tv_nsec;
	if (a->tv_nsec >= 1000000000L) {
		a->tv_sec++;
		a->tv_nsec -= 1000000000L;
	}
}

/* @a - @b, or false if @a is not later than @b. */
static bool tcps_ts_sub(const struct timespec *a, const struct timespec *b,
			struct timespec *d)
{
	d->tv_sec = a->tv_sec - b->tv_sec;
	d->tv_nsec = a->tv_nsec - b->tv_nsec;
	if (d->tv_nsec < 0) {
		d->tv_sec--;
		d->tv_nsec += 1000000000L;
	}
	return d->tv_sec > 0 || (d->tv_sec == 0 && d->tv_nsec > 0);
}

/* Wait until @due; false when a signal asked to stop. */
static bool tcps_wait_until(struct timespec *due, const struct timespec *step,
			    const sigset_t *unblocked)
{
	struct timespec now, left;

	for (;;) {
		if (tcps_stop)
			return false;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (!tcps_ts_sub(due, &now, &left))
			break;
		if (ppoll(NULL, 0, &left, unblocked) < 0 && errno != EINTR)
			break;
	}
	/* Behind by a whole step (a slow read): restart from now. */
	if (tcps_ts_sub(&now, due, &left) &&
	    (left.tv_sec > step->tv_sec ||
	     (left.tv_sec == step->tv_sec && left.tv_nsec >= step->tv_nsec)))
		*due = now;
	return !tcps_stop;
}

static void tcps_print_sample(const struct tcps_opts *o, unsigned long long n,
			      const struct tcps_sample *s,
			      const struct tcps_sample *prev)
{
	const struct tcps_counts *p = prev ? &prev->counts : NULL;

	if (o->format == TCPS_FMT_JSON)
		tcps_json_watch(stdout, s->netns, n, &s->counts, p);
	else
		tcps_text_watch(stdout, &s->counts, p, !o->no_header);
	fflush(stdout);
}

int tcps_watch(const struct tcps_opts *o)
{
	struct tcps_sample cur, prev;
	struct sigaction sa;
	sigset_t block, unblocked;
	struct timespec due;
	unsigned long long n;
	int rc = TCPS_EXIT_OK;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tcps_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	sigprocmask(SIG_BLOCK, &block, &unblocked);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGTERM);

	clock_gettime(CLOCK_MONOTONIC, &due);
	for (n = 1; ; n++) {
		if (!o->summary) {
			/* The sockets, as netstat -c: a table per sample. */
			if (n > 1 && o->format == TCPS_FMT_TEXT)
				putchar('\n');
			rc = tcps_read_sample(o, true, &cur);
			fflush(stdout);
		} else {
			rc = tcps_read_sample(o, false, &cur);
			if (cur.complete)
				tcps_print_sample(o, n, &cur,
						  n > 1 ? &prev : NULL);
		}
		if (!cur.complete)
			break;
		if (rc || n == o->count)
			break;
		prev = cur;
		tcps_ts_add(&due, &o->interval);
		if (!tcps_wait_until(&due, &o->interval, &unblocked))
			break;
	}
	return rc;
}
