/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned.h - libc calls baton does not use, made unusable (git's banned.h).
 *
 * Each of them has a safer form: copies and concatenations that cannot
 * overrun (memcpy with a checked length, snprintf, bt_buf), number parsing
 * that reports garbage (strtol and its end pointer), time conversion
 * without static buffers or the local time zone (bt_time_print; the
 * library's civil-date arithmetic in util/time.h), and no hidden state
 * (strtok).  A call to one fails to compile, naming the alternative.
 *
 * The Makefile passes `-include src/util/banned.h`, so every file of the
 * build sees it, before anything else: no file can forget it.  Being first,
 * it cannot work as git's does (a macro that turns the name into an
 * undeclared one), because the system headers read after it declare the
 * same names and would then declare something odd in their place.  So each
 * name becomes a function-like macro that renames the function: the system
 * header's declaration, read through the macro, declares sorry_NAME_is_banned
 * with the right prototype, and this file declared that name before as
 * `unavailable`, so the compiler refuses any call to it (and only calls:
 * declarations and inline definitions in the headers stay valid).  A name
 * used without a call (taking its address) is not caught, as in git.
 *
 * Not a header to include: it includes nothing, so that the feature macros
 * a .c file defines before its first include (_GNU_SOURCE) still count.
 */
#ifndef BT_UTIL_BANNED_H
#define BT_UTIL_BANNED_H

#if defined(__has_attribute)
#if __has_attribute(unavailable)
#define BT__BANNED(why) __attribute__((unavailable(why)))
#endif
#endif
#ifndef BT__BANNED /* compilers before unavailable: an error at each call left after inlining */
#define BT__BANNED(why) __attribute__((error(why), noinline))
#endif

struct tm;

#define BT__COPY "use memcpy with a length you checked, snprintf, or a bt_buf"
char *sorry_strcpy_is_banned(char *restrict, const char *restrict)
	BT__BANNED("strcpy is banned: " BT__COPY);
char *sorry_strcat_is_banned(char *restrict, const char *restrict)
	BT__BANNED("strcat is banned: " BT__COPY);
char *sorry_strncpy_is_banned(char *restrict, const char *restrict, __SIZE_TYPE__)
	BT__BANNED("strncpy is banned (it may leave no NUL): " BT__COPY);
char *sorry_strncat_is_banned(char *restrict, const char *restrict, __SIZE_TYPE__)
	BT__BANNED("strncat is banned: " BT__COPY);
int sorry_sprintf_is_banned(char *restrict, const char *restrict, ...)
	BT__BANNED("sprintf is banned: use snprintf or bt_buf_printf");
int sorry_vsprintf_is_banned(char *restrict, const char *restrict, __builtin_va_list)
	BT__BANNED("vsprintf is banned: use vsnprintf or bt_buf_vprintf");
char *sorry_strtok_is_banned(char *restrict, const char *restrict)
	BT__BANNED("strtok is banned (hidden state): use strchr or strcspn");
char *sorry_strtok_r_is_banned(char *restrict, const char *restrict, char **restrict)
	BT__BANNED("strtok_r is banned: use strchr or strcspn");
int sorry_atoi_is_banned(const char *)
	BT__BANNED("atoi is banned (garbage reads as 0): use strtol and check the end");
long sorry_atol_is_banned(const char *)
	BT__BANNED("atol is banned (garbage reads as 0): use strtol and check the end");
long long sorry_atoll_is_banned(const char *)
	BT__BANNED("atoll is banned (garbage reads as 0): use strtoll and check the end");
char *sorry_mktemp_is_banned(char *) BT__BANNED("mktemp is banned: use mkstemp");

/* time_t cannot be named without a system header, so these are declared
 * without a prototype: one with pointer parameters is compatible with the
 * header's declaration that follows. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#define BT__TIME "use bt_time_print (UTC, RFC 3339) or the library's util/time.h"
struct tm *sorry_gmtime_is_banned() BT__BANNED("gmtime is banned (a static buffer): " BT__TIME);
struct tm *sorry_localtime_is_banned()
	BT__BANNED("localtime is banned (a static buffer, the local zone): " BT__TIME);
char *sorry_ctime_is_banned() BT__BANNED("ctime is banned (a static buffer, the local zone): " BT__TIME);
char *sorry_ctime_r_is_banned() BT__BANNED("ctime_r is banned (the local zone): " BT__TIME);
char *sorry_asctime_is_banned() BT__BANNED("asctime is banned (a static buffer): " BT__TIME);
char *sorry_asctime_r_is_banned() BT__BANNED("asctime_r is banned: " BT__TIME);
#pragma GCC diagnostic pop

#define strcpy(...) sorry_strcpy_is_banned(__VA_ARGS__)
#define strcat(...) sorry_strcat_is_banned(__VA_ARGS__)
#define strncpy(...) sorry_strncpy_is_banned(__VA_ARGS__)
#define strncat(...) sorry_strncat_is_banned(__VA_ARGS__)
#define sprintf(...) sorry_sprintf_is_banned(__VA_ARGS__)
#define vsprintf(...) sorry_vsprintf_is_banned(__VA_ARGS__)
#define strtok(...) sorry_strtok_is_banned(__VA_ARGS__)
#define strtok_r(...) sorry_strtok_r_is_banned(__VA_ARGS__)
#define atoi(...) sorry_atoi_is_banned(__VA_ARGS__)
#define atol(...) sorry_atol_is_banned(__VA_ARGS__)
#define atoll(...) sorry_atoll_is_banned(__VA_ARGS__)
#define mktemp(...) sorry_mktemp_is_banned(__VA_ARGS__)
#define gmtime(...) sorry_gmtime_is_banned(__VA_ARGS__)
#define localtime(...) sorry_localtime_is_banned(__VA_ARGS__)
#define ctime(...) sorry_ctime_is_banned(__VA_ARGS__)
#define ctime_r(...) sorry_ctime_r_is_banned(__VA_ARGS__)
#define asctime(...) sorry_asctime_is_banned(__VA_ARGS__)
#define asctime_r(...) sorry_asctime_r_is_banned(__VA_ARGS__)

#endif
