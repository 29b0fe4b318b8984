/* SPDX-License-Identifier: Apache-2.0 */
/* error.c - lookups in the error table of error.h. */
#include "baton/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct errinfo {
	int value;
	const char *msg;
	int http;
	const char *code;
};

static const struct errinfo errtab[] = {
#define BT__ROW(name, value, msg, http, code) {value, msg, http, code},
	BT_ERRORS(BT__ROW)
#undef BT__ROW
};

static const struct errinfo *lookup(int code)
{
	for (size_t i = 0; i < sizeof(errtab) / sizeof(errtab[0]); i++)
		if (errtab[i].value == code)
			return &errtab[i];
	return NULL;
}

const char *bt_strerror(int code)
{
	const struct errinfo *e = lookup(code);
	return e ? e->msg : "unknown error";
}

int bt_err_http_status(int code)
{
	const struct errinfo *e = lookup(code);
	return e ? e->http : 500;
}

const char *bt_err_json_code(int code)
{
	const struct errinfo *e = lookup(code);
	return e ? e->code : "internal";
}

int bt_err_set(struct bt_err *err, int code, const char *fmt, ...)
{
	if (err) {
		va_list ap;
		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}

void bt_err_clear(struct bt_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
	}
}
