/* SPDX-License-Identifier: GPL-2.0 */
/* hex_asc[]: in its own header where there is one (7.x), else kernel.h. */
#ifndef _TCPS_COMPAT_HEX_H
#define _TCPS_COMPAT_HEX_H

#ifdef TCPS_HAVE_LINUX_HEX_H
#include <linux/hex.h>
#else
#include <linux/kernel.h>
#endif

#endif /* _TCPS_COMPAT_HEX_H */
