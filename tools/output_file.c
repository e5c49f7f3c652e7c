// SPDX-License-Identifier: GPL-2.0
/*
 * Writing a file for a collector, such as node_exporter's textfile
 * directory, which may read it at any moment: into a temporary file in
 * the same directory (same filesystem, so rename() is atomic), synced,
 * then renamed over the old one.  A reader sees the old file or the new
 * one, never half of either; a failed run leaves the old one in place.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
#include "output_file.h"

static char *tcps_tmp_path;

int tcps_output_begin(const char *path)
{
	int fd;

	if (asprintf(&tcps_tmp_path, "%s.tmp.XXXXXX", path) < 0) {
		tcps_tmp_path = NULL;
		tcps_err("out of memory");
		return TCPS_EXIT_RUNTIME;
	}
	fd = mkostemp(tcps_tmp_path, O_CLOEXEC);
	if (fd < 0) {
		tcps_err("%s: cannot create a file beside it: %s", path,
			 strerror(errno));
		goto fail;
	}
	if (fflush(stdout) || dup2(fd, STDOUT_FILENO) < 0) {
		tcps_err("%s: %s", tcps_tmp_path, strerror(errno));
		close(fd);
		unlink(tcps_tmp_path);
		goto fail;
	}
	close(fd);
	return TCPS_EXIT_OK;
fail:
	free(tcps_tmp_path);
	tcps_tmp_path = NULL;
	return TCPS_EXIT_RUNTIME;
}

int tcps_output_end(const char *path, int rc)
{
	if (!tcps_tmp_path)
		return rc;
	if (!rc && (fflush(stdout) || ferror(stdout) ||
		    fsync(STDOUT_FILENO) ||
		    fchmod(STDOUT_FILENO, 0644))) {
		tcps_err("%s: %s", tcps_tmp_path, strerror(errno));
		rc = TCPS_EXIT_RUNTIME;
	}
	if (!rc && rename(tcps_tmp_path, path)) {
		tcps_err("%s: cannot replace it: %s", path, strerror(errno));
		rc = TCPS_EXIT_RUNTIME;
	}
	if (rc)
		unlink(tcps_tmp_path);
	free(tcps_tmp_path);
	tcps_tmp_path = NULL;
	return rc;
}
