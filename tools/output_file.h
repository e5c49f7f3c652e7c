/* SPDX-License-Identifier: GPL-2.0 */
/*
 * --output FILE: the output replaces FILE whole, or not at all.
 */
#ifndef TCPS_OUTPUT_FILE_H
#define TCPS_OUTPUT_FILE_H

/*
 * Point stdout at a new temporary file beside @path.  Returns
 * TCPS_EXIT_OK, or TCPS_EXIT_RUNTIME after a message.
 */
int tcps_output_begin(const char *path);

/*
 * After the output: if @rc is TCPS_EXIT_OK and everything was written
 * and synced, rename the temporary file over @path (mode 0644);
 * otherwise remove it and leave @path as it was.  Returns @rc, or
 * TCPS_EXIT_RUNTIME if the file could not be completed.
 */
int tcps_output_end(const char *path, int rc);

#endif /* TCPS_OUTPUT_FILE_H */
