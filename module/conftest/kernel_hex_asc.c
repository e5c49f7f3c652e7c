// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): hex_asc[] comes with
 * <linux/kernel.h> (6.1, which has no <linux/hex.h>).
 */
#include <linux/kernel.h>

char tcps_conftest(unsigned int nib);
char tcps_conftest(unsigned int nib)
{
	return hex_asc[nib & 15];
}
