// SPDX-License-Identifier: GPL-2.0
/*
 * Feature test (compiled by Kbuild, never linked): hex_asc[] has its own
 * header, which <linux/kernel.h> no longer includes (7.x).
 */
#include <linux/hex.h>

char tcps_conftest(unsigned int nib);
char tcps_conftest(unsigned int nib)
{
	return hex_asc[nib & 15];
}
