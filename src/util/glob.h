/* SPDX-License-Identifier: Apache-2.0 */
/*
 * glob.h - the one wildcard of configuration rules: '*' matches any run of
 * characters (also none).  Used by journey match rules (event types such as
 * "dispute.*") and by identity junk patterns ("noreply@*").
 */
#ifndef BT_UTIL_GLOB_H
#define BT_UTIL_GLOB_H

/* Does the NUL-terminated s match pat, byte for byte but for '*'? */
int bt__glob(const char *pat, const char *s);

#endif
