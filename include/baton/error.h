/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.h - the one table of baton error codes.
 *
 * Every fallible library function returns an int: 0 for success or a
 * negative BT_E* code.  The X-macro below is the only place codes are
 * defined; it also yields the default message, the HTTP status the server
 * answers with and the machine-readable code used in JSON error bodies, so
 * the CLI, the library and the API can never disagree.  Detail for a human
 * (which file, which line, which field) goes into an optional struct bt_err.
 */
#ifndef BATON_ERROR_H
#define BATON_ERROR_H

#include <stddef.h>

/*  X(NAME, value, message, http status, json code) */
#define BT_ERRORS(X)                                                        \
	X(OK, 0, "success", 200, "ok")                                      \
	X(NOMEM, -1, "out of memory", 503, "out_of_memory")                 \
	X(INVAL, -2, "invalid input", 400, "invalid")                       \
	X(IO, -3, "input/output error", 500, "io_error")                    \
	X(NOTFOUND, -4, "not found", 404, "not_found")                      \
	X(STORE, -5, "database error", 500, "store_error")                  \
	X(LIMIT, -6, "size limit exceeded", 413, "too_large")               \
	X(CONFLICT, -7, "conflict", 409, "conflict")                        \
	X(USAGE, -8, "usage error", 400, "usage")                           \
	X(UNSUPPORTED, -9, "unsupported", 415, "unsupported")               \
	X(AUTH, -10, "authentication required", 401, "unauthorized")        \
	X(DENIED, -11, "permission denied", 403, "forbidden")               \
	X(RATE, -12, "rate limit exceeded", 429, "rate_limited")            \
	X(SCHEMA, -13, "database schema is newer than this program", 500,   \
	  "schema_version")                                                  \
	X(BUSY, -14, "database is busy", 503, "busy")                       \
	X(FULL, -15, "storage is full", 507, "storage_full")

enum bt_errcode {
#define BT__ENUM(name, value, msg, http, code) BT_E##name = (value),
	BT_ERRORS(BT__ENUM)
#undef BT__ENUM
};

/* Optional detail for a failed call.  msg is always NUL-terminated. */
struct bt_err {
	int code;
	char msg[512];
};

/* The default message of a code ("invalid input"); never NULL. */
const char *bt_strerror(int code);
/* The HTTP status for a code (500 for an unknown code). */
int bt_err_http_status(int code);
/* The JSON error code for a code ("invalid"). */
const char *bt_err_json_code(int code);

/*
 * Record code and a printf-style message in err (err may be NULL) and
 * return code, so callers can write `return bt_err_set(err, BT_EINVAL, ...)`.
 */
int bt_err_set(struct bt_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Clear err to success. */
void bt_err_clear(struct bt_err *err);

#endif
