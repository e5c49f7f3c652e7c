// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny in-guest timer for tests/bench/run.sh (static).
 *
 *   benchtime REPS read BUFSIZE FILE...   read the FILEs with read()s of
 *                                         BUFSIZE bytes, as cat would
 *   benchtime REPS exec CMD [ARG...]      run CMD, stdout to /dev/null
 *
 * Prints "<min> <median> <bytes>": milliseconds of CLOCK_MONOTONIC per
 * run, and the bytes read in the last run (0 for exec).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static long read_files(size_t bs, char **files, char *buf)
{
	long total = 0;
	ssize_t n;
	int fd;

	for (; *files; files++) {
		fd = open(*files, O_RDONLY);
		if (fd < 0) {
			perror(*files);
			exit(1);
		}
		while ((n = read(fd, buf, bs)) > 0)
			total += n;
		if (n < 0) {
			perror(*files);
			exit(1);
		}
		close(fd);
	}
	return total;
}

static long run(char **argv)
{
	int status, fd = open("/dev/null", O_WRONLY);
	pid_t pid;

	if (fd < 0) {
		perror("/dev/null");
		exit(1);
	}
	pid = fork();
	if (pid == 0) {
		dup2(fd, 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || status) {
		fprintf(stderr, "benchtime: %s failed (%d)\n", argv[0], status);
		exit(1);
	}
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	int reps = argc > 3 ? atoi(argv[1]) : 0, i;
	double *t, t0;
	long bytes = 0;
	size_t bs = 0;
	char *buf = NULL;

	if (reps < 1 || (strcmp(argv[2], "read") && strcmp(argv[2], "exec")) ||
	    (!strcmp(argv[2], "read") && argc < 5)) {
		fprintf(stderr, "usage: benchtime REPS read BUFSIZE FILE...\n"
			"       benchtime REPS exec CMD [ARG...]\n");
		return 2;
	}
	if (!strcmp(argv[2], "read")) {
		bs = strtoul(argv[3], NULL, 0);
		buf = malloc(bs);
		if (!buf)
			return 1;
	}
	t = calloc(reps, sizeof(*t));
	for (i = 0; i < reps; i++) {
		t0 = now_ms();
		bytes = buf ? read_files(bs, argv + 4, buf) : run(argv + 3);
		t[i] = now_ms() - t0;
	}
	qsort(t, reps, sizeof(*t), cmp_double);
	printf("%.3f %.3f %ld\n", t[0],
	       reps % 2 ? t[reps / 2] : (t[reps / 2 - 1] + t[reps / 2]) / 2,
	       bytes);
	return 0;
}
