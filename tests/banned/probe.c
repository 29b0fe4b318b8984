/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe.c - compiled by tests/cli/banned.sh through the Makefile, once with
 * each TRY_<name> defined: each banned call must fail to compile, and the
 * file without any must compile (so a failure is the ban, not the build).
 * It includes the headers that declare the banned functions, as a real
 * file would.
 */
#define _GNU_SOURCE 1 /* as some files do: feature macros still count */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int probe(char *d, size_t n, const char *s, ...);
int probe(char *d, size_t n, const char *s, ...)
{
	time_t t = 0;
	char *save = NULL;
	struct tm tm;
	va_list ap;
	int r = 0;
	(void)t, (void)save, (void)tm;
	va_start(ap, s);
#if defined(TRY_strcpy)
	strcpy(d, s);
#elif defined(TRY_strcat)
	strcat(d, s);
#elif defined(TRY_strncpy)
	strncpy(d, s, n);
#elif defined(TRY_strncat)
	strncat(d, s, n);
#elif defined(TRY_sprintf)
	r = sprintf(d, "%s", s);
#elif defined(TRY_vsprintf)
	r = vsprintf(d, s, ap);
#elif defined(TRY_strtok)
	r = strtok(d, s) != NULL;
#elif defined(TRY_strtok_r)
	r = strtok_r(d, s, &save) != NULL;
#elif defined(TRY_atoi)
	r = atoi(s);
#elif defined(TRY_atol)
	r = (int)atol(s);
#elif defined(TRY_atoll)
	r = (int)atoll(s);
#elif defined(TRY_mktemp)
	r = mktemp(d) != NULL;
#elif defined(TRY_gmtime)
	r = gmtime(&t) != NULL;
#elif defined(TRY_localtime)
	r = localtime(&t) != NULL;
#elif defined(TRY_ctime)
	r = ctime(&t) != NULL;
#elif defined(TRY_ctime_r)
	r = ctime_r(&t, d) != NULL;
#elif defined(TRY_asctime)
	r = asctime(&tm) != NULL;
#elif defined(TRY_asctime_r)
	r = asctime_r(&tm, d) != NULL;
#else
	r = vsnprintf(d, n, s, ap) + (int)strtol(s, NULL, 10);
#endif
	va_end(ap);
	return r;
}
