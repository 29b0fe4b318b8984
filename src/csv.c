/* SPDX-License-Identifier: Apache-2.0 */
/*
 * csv.c - CSV ingest with a mapping file; see csv.h for the contracts and
 * docs/csv-mapping.md for the mapping format.
 *
 * In reading order: the table of event fields a mapping may fill, the
 * mapping loader (YAML tree -> struct bt_csv_map, with every check that
 * does not need the CSV), the record reader (a byte-at-a-time RFC 4180
 * state machine over a read buffer, bounded by BT_CSV_MAX_RECORD), the
 * conversions of a cell, and the event writer.  The mapping is immutable
 * once loaded, so one mapping can serve several readers; what depends on a
 * particular CSV (the column index of every mapped column) is kept in the
 * reader.
 */
#include "csv.h"

#include "baton/error.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/time.h"
#include "util/yamltree.h"

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/* ---- event fields ------------------------------------------------------- */

/* How a cell or a constant becomes the JSON value of an event field. */
enum conv {
	CONV_STRING, /* a JSON string */
	CONV_BOOL,   /* yes/no/true/false/y/n/1/0 -> true or false */
	CONV_LIST,   /* split on ';' or ',' -> an array of strings */
	CONV_TS,     /* ts: only from the ts section */
	CONV_IDS,    /* ids: only from the identifiers section */
};

/* The event fields in the order they are written (docs/events.md). */
static const struct {
	const char *name;
	enum conv conv;
} event_fields[] = {
	{"id", CONV_STRING},      {"ts", CONV_TS},          {"source", CONV_STRING},
	{"type", CONV_STRING},    {"channel", CONV_STRING}, {"ids", CONV_IDS},
	{"team", CONV_STRING},    {"journey", CONV_STRING}, {"case", CONV_STRING},
	{"links", CONV_LIST},     {"outcome", CONV_STRING}, {"repeat", CONV_BOOL},
	{"direction", CONV_STRING}, {"fulfils", CONV_STRING},
};
#define NFIELDS (sizeof(event_fields) / sizeof(event_fields[0]))
#define FIELD_NAMES                                                                        \
	"id, source, type, channel, team, journey, case, links, outcome, repeat, direction, " \
	"fulfils"

static int field_index(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(event_fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* ---- conversions shared by constants and cells ------------------------- */

/* Strip spaces and tabs around s[0..n). */
static void trim(const char **s, size_t *n)
{
	while (*n && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
		(*n)--;
}

/* repeat: yes/no, true/false, y/n, 1/0 in any case. */
static int parse_bool(const char *s, size_t n, int *out)
{
	static const char *const words[] = {"no", "false", "n", "0", "yes", "true", "y", "1"};
	for (size_t i = 0; i < 8; i++) {
		if (strlen(words[i]) == n && strncasecmp(s, words[i], n) == 0) {
			*out = i >= 4;
			return 0;
		}
	}
	return BT_EINVAL;
}

/* True when a links value has no piece that is not empty ("", " ; , "). */
static int list_is_empty(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != ';' && s[i] != ',')
			return 0;
	return 1;
}

/* links: split on ';' or ',', trim the pieces, drop empty ones; a JSON array. */
static int render_list(struct bt_buf *b, const char *s, size_t n)
{
	int rc = bt_buf_addc(b, '[');
	size_t i = 0, items = 0;
	while (!rc && i <= n) {
		size_t j = i;
		while (j < n && s[j] != ';' && s[j] != ',')
			j++;
		const char *p = s + i;
		size_t len = j - i;
		trim(&p, &len);
		if (len) {
			if (items++)
				rc = bt_buf_addc(b, ',');
			if (!rc)
				rc = bt_buf_json_str(b, p, len);
		}
		i = j + 1;
	}
	return rc ? rc : bt_buf_addc(b, ']');
}

/*
 * The JSON value of event field f from the text s[0..n) of a constant or a
 * cell.  Returns 0, BT_EINVAL when a repeat value is not yes or no, or a
 * buffer error.
 */
static int render_value(struct bt_buf *b, int f, const char *s, size_t n)
{
	int yes;
	switch (event_fields[f].conv) {
	case CONV_BOOL:
		if (parse_bool(s, n, &yes))
			return BT_EINVAL;
		return bt_buf_adds(b, yes ? "true" : "false");
	case CONV_LIST: return render_list(b, s, n);
	default: return bt_buf_json_str(b, s, n);
	}
}

/* ---- the mapping -------------------------------------------------------- */

enum use_kind { USE_TS, USE_FIELD, USE_ID, USE_PROP };

/* One use of a CSV column by the mapping. */
struct use {
	enum use_kind kind;
	char *column; /* the header name */
	long line;    /* where the mapping names it */
	char *key;    /* USE_ID: identifier type; USE_PROP: props key */
};

enum ts_kind { TS_RFC3339, TS_EPOCH, TS_FORMAT };

struct bt_csv_map {
	char *path;
	char delim;
	int trim;
	char **missing; /* values that mean "missing" besides the empty one */
	size_t nmissing;
	enum ts_kind ts_kind;
	char *ts_format;       /* TS_FORMAT */
	int64_t utc_offset_ms; /* TS_FORMAT without %z */
	char *constant[NFIELDS]; /* the JSON text of a fixed field, or NULL */
	int field_use[NFIELDS];  /* the use feeding a field, or -1 */
	long field_line[NFIELDS]; /* where a field got its value, for "already set" */
	int ts_use;
	struct use *uses;
	size_t nuses;
};

static int map_err(const struct bt_csv_map *m, struct bt_err *err, const struct bt_ynode *at,
		   const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Record "PATH:LINE: <message>" (or "PATH: <message>" without a node). */
static int map_err(const struct bt_csv_map *m, struct bt_err *err, const struct bt_ynode *at,
		   const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (at)
		return bt_err_set(err, BT_EINVAL, "%s:%ld: %s", m->path, at->line, what);
	return bt_err_set(err, BT_EINVAL, "%s: %s", m->path, what);
}

static int oom(struct bt_err *err) { return bt_err_set(err, BT_ENOMEM, "out of memory"); }

/* The error of a failed read_record: BT_EIO or BT_ENOMEM. */
static int stream_err(struct bt_err *err, int rc)
{
	return rc == BT_EIO ? bt_err_set(err, BT_EIO, "read error") : oom(err);
}

void bt_csv_map_free(struct bt_csv_map *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nmissing; i++)
		bt__free(m->missing[i]);
	for (size_t i = 0; i < NFIELDS; i++)
		bt__free(m->constant[i]);
	for (size_t i = 0; i < m->nuses; i++) {
		bt__free(m->uses[i].column);
		bt__free(m->uses[i].key);
	}
	bt__free(m->missing);
	bt__free(m->uses);
	bt__free(m->ts_format);
	bt__free(m->path);
	bt__free(m);
}

/* The text of a scalar node, or NULL after an error naming what it is for. */
static const char *need_scalar(const struct bt_csv_map *m, const struct bt_ynode *v,
			       const char *what, struct bt_err *err)
{
	if (v->kind == BT_YSCALAR)
		return v->text;
	map_err(m, err, v, "%s must be a single value, not %s", what, bt_ynode_kind_name(v));
	return NULL;
}

static int need_map(const struct bt_csv_map *m, const struct bt_ynode *v, const char *what,
		    struct bt_err *err)
{
	if (v->kind == BT_YMAP)
		return 0;
	return map_err(m, err, v, "%s must be a mapping (key: value lines), not %s", what,
		       bt_ynode_kind_name(v));
}

/* Add a use of the column named by key node col; returns its index or a BT_E* code. */
static int add_use(struct bt_csv_map *m, enum use_kind kind, const struct bt_ynode *col,
		   const char *key, struct bt_err *err)
{
	if (col->len == 0)
		return map_err(m, err, col, "a column name is empty");
	struct use *uses = bt__reallocarray(m->uses, m->nuses + 1, sizeof(*uses));
	if (!uses)
		return oom(err);
	m->uses = uses;
	struct use *u = &uses[m->nuses];
	*u = (struct use){kind, bt__strndup(col->text, col->len), col->line, NULL};
	if (key)
		u->key = bt__strndup(key, strlen(key));
	if (!u->column || (key && !u->key)) {
		bt__free(u->column);
		bt__free(u->key);
		return oom(err);
	}
	return (int)m->nuses++;
}

/* Check that event field f gets its value only once, and remember where. */
static int claim_field(struct bt_csv_map *m, int f, const struct bt_ynode *at, struct bt_err *err)
{
	if (m->field_line[f])
		return map_err(m, err, at, "event field '%s' is already set at line %ld",
			       event_fields[f].name, m->field_line[f]);
	m->field_line[f] = at->line;
	return 0;
}

/* The event field named by node at for section what, or -1 after an error. */
static int target_field(const struct bt_csv_map *m, const struct bt_ynode *at, const char *name,
			const char *what, struct bt_err *err)
{
	int f = field_index(name);
	if (f >= 0 && event_fields[f].conv == CONV_TS)
		map_err(m, err, at, "the event time is set under ts, not under %s", what);
	else if (f >= 0 && event_fields[f].conv == CONV_IDS)
		map_err(m, err, at, "identifiers are mapped under identifiers, not under %s", what);
	else if (f < 0 && strcmp(name, "props") == 0)
		map_err(m, err, at, "props are mapped under props, not under %s", what);
	else if (f < 0)
		map_err(m, err, at, "unknown event field '%.100s' under %s (one of: " FIELD_NAMES ")",
			name, what);
	else
		return f;
	return -1;
}

static int load_delimiter(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	const char *s = need_scalar(m, v, "delimiter", err);
	if (!s)
		return BT_EINVAL;
	unsigned char c = (unsigned char)s[0];
	if (v->len != 1 || c == '"' || c == '\n' || c == '\r' || c >= 0x80)
		return map_err(m, err, v,
			       "delimiter must be one ASCII character other than a quote or a line "
			       "end (write a tab as \"\\t\"), not '%.20s'",
			       s);
	m->delim = (char)c;
	return 0;
}

static int load_missing(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	if (v->kind != BT_YSEQ)
		return map_err(m, err, v, "missing must be a list of values, e.g. [\"\", \"?\", \"N/A\"]");
	m->missing = bt__calloc(v->n, sizeof(*m->missing));
	if (!m->missing)
		return oom(err);
	for (size_t i = 0; i < v->n; i++) {
		const char *s = need_scalar(m, v->kids[i], "each missing value", err);
		if (!s)
			return BT_EINVAL;
		m->missing[m->nmissing] = bt__strndup(s, v->kids[i]->len);
		if (!m->missing[m->nmissing])
			return oom(err);
		m->nmissing++;
	}
	return 0;
}

static int load_trim(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	if (bt_ynode_bool(v, &m->trim))
		return map_err(m, err, v, "trim must be true or false");
	return 0;
}

static int load_ts_format(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	const char *why;
	const char *s = need_scalar(m, v, "ts format", err);
	if (!s)
		return BT_EINVAL;
	if (strcmp(s, "rfc3339") == 0) {
		m->ts_kind = TS_RFC3339;
		return 0;
	}
	if (strcmp(s, "epoch") == 0) {
		m->ts_kind = TS_EPOCH;
		return 0;
	}
	if (bt_time_check_format(s, &why))
		return map_err(m, err, v, "ts format '%.100s': %s (or use rfc3339 or epoch)", s, why);
	m->ts_kind = TS_FORMAT;
	m->ts_format = bt__strndup(s, v->len);
	return m->ts_format ? 0 : oom(err);
}

static int load_ts(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	const struct bt_ynode *column = NULL, *offset = NULL;
	int rc = need_map(m, v, "ts", err);
	if (rc)
		return rc;
	for (size_t i = 0; i < v->n && !rc; i++) {
		const struct bt_ynode *k = v->keys[i], *val = v->kids[i];
		if (strcmp(k->text, "column") == 0) {
			column = val;
			rc = need_scalar(m, val, "ts column", err) ? 0 : BT_EINVAL;
		} else if (strcmp(k->text, "format") == 0)
			rc = load_ts_format(m, val, err);
		else if (strcmp(k->text, "utc_offset") == 0)
			offset = val;
		else
			rc = map_err(m, err, k,
				     "unknown key '%.100s' under ts (one of: column, format, utc_offset)",
				     k->text);
	}
	if (rc)
		return rc;
	if (!column)
		return map_err(m, err, v, "ts needs a column: the CSV column that holds the event time");
	if (offset) {
		if (m->ts_kind != TS_FORMAT)
			return map_err(m, err, offset,
				       "utc_offset only applies to a format such as \"%%d/%%m/%%Y %%H:%%M\"; "
				       "rfc3339 and epoch times carry their own");
		if (offset->kind != BT_YSCALAR ||
		    bt_time_parse_offset(offset->text, offset->len, &m->utc_offset_ms))
			return map_err(m, err, offset,
				       "utc_offset must be Z or like +01:00 or -05:00, not '%.40s'",
				       offset->kind == BT_YSCALAR ? offset->text : "...");
	}
	rc = add_use(m, USE_TS, column, NULL, err);
	if (rc < 0)
		return rc;
	m->ts_use = rc;
	return 0;
}

/* One entry of constants: event field k gets the value val in every event. */
static int load_constant(struct bt_csv_map *m, const struct bt_ynode *k, const struct bt_ynode *val,
			 struct bt_err *err)
{
	struct bt_buf b = BT_BUF_INIT;
	int f = target_field(m, k, k->text, "constants", err);
	const char *s = f < 0 ? NULL : need_scalar(m, val, k->text, err);
	int rc;
	if (!s)
		return BT_EINVAL;
	if (f == field_index("id"))
		return map_err(m, err, k, "id cannot be a constant: every event would have the same id");
	if (bt_ynode_is_null(val) || val->len == 0 ||
	    (event_fields[f].conv == CONV_LIST && list_is_empty(s, val->len)))
		return map_err(m, err, val, "constant '%s' has no value", k->text);
	if ((rc = claim_field(m, f, k, err)) != 0)
		return rc;
	rc = render_value(&b, f, s, val->len);
	if (rc == BT_EINVAL)
		rc = map_err(m, err, val, "constant '%s': '%.40s' is not yes or no", k->text, s);
	else if (rc || !(m->constant[f] = bt_buf_detach(&b, NULL)))
		rc = oom(err);
	bt_buf_release(&b);
	return rc;
}

static int load_constants(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	int rc = need_map(m, v, "constants", err);
	for (size_t i = 0; i < v->n && !rc; i++)
		rc = load_constant(m, v->keys[i], v->kids[i], err);
	return rc;
}

static int load_fields(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	int rc = need_map(m, v, "fields", err);
	for (size_t i = 0; i < v->n && !rc; i++) {
		const struct bt_ynode *k = v->keys[i], *val = v->kids[i];
		const char *s = need_scalar(m, val, "the event field of a column", err);
		int f = s ? target_field(m, val, s, "fields", err) : -1;
		if (f < 0)
			return BT_EINVAL;
		if ((rc = claim_field(m, f, val, err)) != 0)
			return rc;
		int u = add_use(m, USE_FIELD, k, NULL, err);
		if (u < 0)
			return u;
		m->field_use[f] = u;
	}
	return rc;
}

/* Identifier types are short machine names: customer_id, email, crm-id. */
static int valid_id_type(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '-'))
			return 0;
	return 1;
}

static int load_identifiers(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	int rc = need_map(m, v, "identifiers", err);
	for (size_t i = 0; i < v->n && !rc; i++) {
		const struct bt_ynode *k = v->keys[i], *val = v->kids[i];
		const char *s = need_scalar(m, val, "an identifier type", err);
		if (!s)
			return BT_EINVAL;
		if (!valid_id_type(s))
			return map_err(m, err, val,
				       "identifier type '%.60s' must be lowercase letters, digits, '_' "
				       "or '-' (e.g. email, phone, customer_id)",
				       s);
		int u = add_use(m, USE_ID, k, s, err);
		if (u < 0)
			return u;
	}
	return rc;
}

static int load_props(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err)
{
	int rc = need_map(m, v, "props", err);
	for (size_t i = 0; i < v->n && !rc; i++) {
		const struct bt_ynode *k = v->keys[i], *val = v->kids[i];
		const char *s = need_scalar(m, val, "a props key", err);
		if (!s)
			return BT_EINVAL;
		if (!*s)
			return map_err(m, err, val, "the props key of column '%.60s' is empty", k->text);
		for (size_t j = 0; j < m->nuses; j++)
			if (m->uses[j].kind == USE_PROP && strcmp(m->uses[j].key, s) == 0)
				return map_err(m, err, val, "props key '%.60s' is already used at line %ld",
					       s, m->uses[j].line);
		int u = add_use(m, USE_PROP, k, s, err);
		if (u < 0)
			return u;
	}
	return rc;
}

static const struct {
	const char *key;
	int (*load)(struct bt_csv_map *m, const struct bt_ynode *v, struct bt_err *err);
} sections[] = {
	{"delimiter", load_delimiter}, {"missing", load_missing},         {"trim", load_trim},
	{"ts", load_ts},               {"constants", load_constants},     {"fields", load_fields},
	{"identifiers", load_identifiers}, {"props", load_props},
};

/* What an event needs that only the mapping can give. */
static int check_complete(const struct bt_csv_map *m, struct bt_err *err)
{
	static const char *const required[] = {"source", "type"};
	if (m->ts_use < 0)
		return map_err(m, err, NULL, "missing key 'ts': say which column holds the event time");
	for (size_t i = 0; i < 2; i++) {
		int f = field_index(required[i]);
		if (!m->constant[f] && m->field_use[f] < 0)
			return map_err(m, err, NULL,
				       "nothing gives the event field '%s': set it under constants or "
				       "map a column to it under fields",
				       required[i]);
	}
	for (size_t i = 0; i < m->nuses; i++)
		if (m->uses[i].kind == USE_ID)
			return 0;
	return map_err(m, err, NULL,
		       "no identifiers: map at least one column (e-mail, phone, customer id) "
		       "under identifiers");
}

static int map_from_tree(struct bt_csv_map *m, const struct bt_ynode *root, struct bt_err *err)
{
	if (root->kind != BT_YMAP)
		return map_err(m, err, root, "a mapping file is a YAML mapping (key: value lines), not %s",
			       bt_ynode_kind_name(root));
	for (size_t i = 0; i < root->n; i++) {
		const struct bt_ynode *k = root->keys[i];
		size_t s = 0;
		while (s < sizeof(sections) / sizeof(sections[0]) && strcmp(sections[s].key, k->text))
			s++;
		if (s == sizeof(sections) / sizeof(sections[0]))
			return map_err(m, err, k,
				       "unknown key '%.100s' (one of: delimiter, missing, trim, ts, "
				       "constants, fields, identifiers, props)",
				       k->text);
		int rc = sections[s].load(m, root->kids[i], err);
		if (rc)
			return rc;
	}
	return check_complete(m, err);
}

/* Load from a tree (root may be NULL after a YAML error: rc is returned as is). */
static int map_new(struct bt_csv_map **out, const char *name, int rc, struct bt_ynode *root,
		   struct bt_err *err)
{
	struct bt_csv_map *m = NULL;
	*out = NULL;
	if (rc)
		goto out;
	m = bt__calloc(1, sizeof(*m));
	if (!m || !(m->path = bt__strndup(name, strlen(name)))) {
		rc = oom(err);
		goto out;
	}
	m->delim = ',';
	m->trim = 1;
	m->ts_use = -1;
	for (size_t i = 0; i < NFIELDS; i++)
		m->field_use[i] = -1;
	rc = map_from_tree(m, root, err);
out:
	bt_yaml_free(root);
	if (rc)
		bt_csv_map_free(m);
	else
		*out = m;
	return rc;
}

int bt_csv_map_load(struct bt_csv_map **out, const char *path, struct bt_err *err)
{
	struct bt_ynode *root;
	int rc = bt_yaml_load_file(path, &root, err);
	return map_new(out, path, rc, root, err);
}

int bt_csv_map_parse(struct bt_csv_map **out, const char *name, const char *text, size_t len,
		     struct bt_err *err)
{
	struct bt_ynode *root;
	int rc = bt_yaml_load_buf(name, text, len, &root, err);
	return map_new(out, name, rc, root, err);
}

/* ---- the record reader -------------------------------------------------- */

struct bt_csv_reader {
	FILE *f;
	const struct bt_csv_map *m;
	int failed;          /* a sticky BT_EIO or BT_ENOMEM */
	int eof;
	size_t in_pos, in_len;
	long line;           /* physical line of the next byte */
	long rec_line;       /* line where the current record started */
	struct bt_buf raw;   /* the record as read, without its line end */
	struct bt_buf vals;  /* its fields, unquoted, each NUL-terminated */
	size_t nf;           /* fields in the record (only the first BT_CSV_MAX_COLUMNS kept) */
	size_t off[BT_CSV_MAX_COLUMNS], len[BT_CSV_MAX_COLUMNS];
	char bad[300];       /* why the record is malformed; "" if it is not */
	size_t ncols;        /* columns of the header */
	char *header;        /* the header's fields, as vals was */
	size_t hoff[BT_CSV_MAX_COLUMNS], hlen[BT_CSV_MAX_COLUMNS];
	int *col;            /* per use of the mapping: its column */
	unsigned char in[65536];
};

#define END_OF_INPUT (-1)
#define READ_ERROR (-2)

/* Make sure a byte is buffered: 1, or END_OF_INPUT, or READ_ERROR. */
static int fill(struct bt_csv_reader *r)
{
	if (r->in_pos < r->in_len)
		return 1;
	if (r->eof)
		return END_OF_INPUT;
	r->in_pos = 0;
	r->in_len = fread(r->in, 1, sizeof(r->in), r->f);
	if (r->in_len == 0) {
		if (ferror(r->f))
			return READ_ERROR;
		r->eof = 1;
		return END_OF_INPUT;
	}
	return 1;
}

static int get_byte(struct bt_csv_reader *r)
{
	int rc = fill(r);
	return rc == 1 ? r->in[r->in_pos++] : rc;
}

static int peek_byte(struct bt_csv_reader *r)
{
	int rc = fill(r);
	return rc == 1 ? r->in[r->in_pos] : rc;
}

/* bt_buf_addc with a fast path: this runs once per input byte. */
static int put(struct bt_buf *b, int c)
{
	if (b->len + 1 < b->cap && (!b->max || b->len < b->max)) {
		b->data[b->len++] = (char)c;
		b->data[b->len] = '\0';
		return 0;
	}
	return bt_buf_addc(b, (char)c);
}

static void set_bad(struct bt_csv_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Mark the record bad; the first reason found is the one reported. */
static void set_bad(struct bt_csv_reader *r, const char *fmt, ...)
{
	if (r->bad[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->bad, sizeof(r->bad), fmt, ap);
	va_end(ap);
}

/* The header name of column i, for messages ("" before the header is read). */
static const char *column_name(const struct bt_csv_reader *r, size_t i)
{
	return r->header && i < r->ncols ? r->header + r->hoff[i] : "";
}

/* Close the field that started at vals offset start. */
static int end_field(struct bt_csv_reader *r, size_t start)
{
	if (r->nf < BT_CSV_MAX_COLUMNS) {
		r->off[r->nf] = start;
		r->len[r->nf] = r->vals.len - start;
	} else if (r->nf == BT_CSV_MAX_COLUMNS) {
		set_bad(r, "the record has more than %d fields", BT_CSV_MAX_COLUMNS);
	}
	r->nf++;
	return put(&r->vals, '\0');
}

/*
 * The record passed BT_CSV_MAX_RECORD at byte c: drop the rest of its
 * physical line (unless c ended one) and report the record as bad.
 */
static int skip_long_record(struct bt_csv_reader *r, int c)
{
	while (c != '\n' && (c = get_byte(r)) != END_OF_INPUT && c != '\n')
		if (c == READ_ERROR)
			return BT_EIO;
	if (c == '\n')
		r->line++;
	r->nf = 0;
	r->bad[0] = '\0';
	set_bad(r, "the record is longer than %zu bytes; reading resumes at line %ld",
		BT_CSV_MAX_RECORD, r->line);
	return 1;
}

/*
 * Read one record into raw, vals, off/len and nf; r->bad says if it is
 * malformed.  Returns 1, 0 at the end of the input, BT_EIO or BT_ENOMEM.
 */
static int read_record(struct bt_csv_reader *r)
{
	enum { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED } st = FIELD_START;
	const int delim = (unsigned char)r->m->delim;
	size_t start = 0;
	long quote_line = 0;
	int started = 0, rc;

	bt_buf_reset(&r->raw);
	bt_buf_reset(&r->vals);
	r->nf = 0;
	r->bad[0] = '\0';
	for (;;) {
		int c = get_byte(r);
		if (c == READ_ERROR)
			return BT_EIO;
		if (!started) { /* skip blank lines between records */
			if (c == END_OF_INPUT)
				return 0;
			if (c == '\n') {
				r->line++;
				continue;
			}
			if (c == '\r' && peek_byte(r) == '\n')
				continue;
			started = 1;
			r->rec_line = r->line;
		}
		if (c == END_OF_INPUT) {
			if (st == QUOTED)
				set_bad(r, "a quoted field opened at line %ld is not closed at the end "
					   "of the input", quote_line);
			return end_field(r, start) ? BT_ENOMEM : 1;
		}
		if (st != QUOTED && (c == '\n' || (c == '\r' && peek_byte(r) == '\n'))) {
			if (c == '\r')
				get_byte(r);
			r->line++;
			return end_field(r, start) ? BT_ENOMEM : 1;
		}
		rc = put(&r->raw, c);
		if (rc == BT_ELIMIT)
			return skip_long_record(r, c);
		if (c == '\n')
			r->line++; /* inside a quoted field */
		if (rc)
			return rc;
		switch (st) {
		case FIELD_START:
			if (c == '"') {
				st = QUOTED;
				quote_line = r->line;
				continue;
			}
			st = UNQUOTED;
			/* fall through */
		case UNQUOTED:
			if (c != delim) {
				rc = put(&r->vals, c);
				break;
			}
			rc = end_field(r, start);
			start = r->vals.len;
			st = FIELD_START;
			break;
		case QUOTED:
			if (c == '"')
				st = QUOTE_IN_QUOTED;
			else
				rc = put(&r->vals, c);
			break;
		case QUOTE_IN_QUOTED:
			if (c == '"') { /* a doubled quote */
				rc = put(&r->vals, c);
				st = QUOTED;
			} else if (c == delim) {
				rc = end_field(r, start);
				start = r->vals.len;
				st = FIELD_START;
			} else {
				if (r->header)
					set_bad(r, "column '%s': text after the closing quote",
						column_name(r, r->nf));
				else
					set_bad(r, "field %zu: text after the closing quote", r->nf + 1);
				rc = put(&r->vals, c);
				st = UNQUOTED;
			}
			break;
		}
		if (rc)
			return rc;
	}
}

/* ---- cells and their conversions --------------------------------------- */

/* Offset of the first byte that is not part of valid UTF-8 in s[0..n), or n. */
static size_t utf8_check(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned c = s[i];
		size_t k;
		unsigned min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			k = 1, min = 0x80;
		else if (c >= 0xe0 && c <= 0xef)
			k = 2, min = 0x800;
		else if (c >= 0xf0 && c <= 0xf4)
			k = 3, min = 0x10000;
		else
			return i;
		if (n - i <= k)
			return i;
		unsigned cp = c & (0x3fu >> k);
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return i;
			cp = cp << 6 | (s[i + j] & 0x3fu);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return i; /* overlong, beyond Unicode, or a surrogate */
		i += k + 1;
	}
	return n;
}

/* The value of column col, trimmed if the mapping says so; 0 if it counts as missing. */
static int cell(const struct bt_csv_reader *r, int col, const char **s, size_t *n)
{
	const char *p = r->vals.data + r->off[col];
	size_t len = r->len[col];
	if (r->m->trim)
		trim(&p, &len);
	if (len == 0)
		return 0;
	for (size_t i = 0; i < r->m->nmissing; i++)
		if (strlen(r->m->missing[i]) == len && memcmp(r->m->missing[i], p, len) == 0)
			return 0;
	*s = p;
	*n = len;
	return 1;
}

/* How much of a value to quote in a message: at most 60 bytes, whole characters. */
static int quote_len(const char *s, size_t n, const char **ellipsis)
{
	*ellipsis = "";
	if (n <= 60)
		return (int)n;
	n = 60;
	while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--; /* do not cut a character in two */
	*ellipsis = "...";
	return (int)n;
}

/* True for the JSON number grammar; integers of more than 15 digits stay text. */
static int is_json_number(const char *s, size_t n)
{
	size_t i = 0, digits;
	if (i < n && s[i] == '-')
		i++;
	if (i < n && s[i] == '0') {
		i++;
	} else {
		for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits || (i == n && digits > 15))
			return 0; /* not a number, or an id a double would round */
	}
	if (i < n && s[i] == '.') {
		for (digits = 0, i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return 0;
	}
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		for (digits = 0; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (!digits)
			return 0;
	}
	return i == n;
}

/* An integer with an optional minus sign, without overflow. */
static int parse_int64(const char *s, size_t n, int64_t *out)
{
	size_t i = n && s[0] == '-';
	uint64_t v = 0, limit = i ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (i == n)
		return BT_EINVAL;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (limit - (uint64_t)(s[i] - '0')) / 10)
			return BT_EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = s[0] == '-' ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

/* ---- the event ---------------------------------------------------------- */

/*
 * Write ,"name": into the event, without the comma before the first key
 * (the event starts as "{", since bt_csv_next resets the buffer).
 */
static int key(struct bt_buf *b, const char *name)
{
	int rc = b->len > 1 ? bt_buf_addc(b, ',') : 0;
	if (!rc)
		rc = bt_buf_json_strz(b, name);
	return rc ? rc : bt_buf_addc(b, ':');
}

static int write_ts(struct bt_csv_reader *r, struct bt_buf *b, struct bt_err *err)
{
	const struct bt_csv_map *m = r->m;
	const struct use *u = &m->uses[m->ts_use];
	const char *s, *more;
	size_t n;
	int64_t ms, v;
	int rc;
	if (!cell(r, r->col[m->ts_use], &s, &n))
		return bt_err_set(err, BT_EINVAL, "column '%s': the event time is missing", u->column);
	int q = quote_len(s, n, &more);
	switch (m->ts_kind) {
	case TS_RFC3339:
		if (bt_time_parse_rfc3339(s, n, &ms))
			return bt_err_set(err, BT_EINVAL,
					  "column '%s': '%.*s%s' is not an RFC 3339 time "
					  "(like 2026-03-01T10:15:00Z)",
					  u->column, q, s, more);
		break;
	case TS_EPOCH:
		if (parse_int64(s, n, &v) || bt_time_from_epoch(v, &ms))
			return bt_err_set(err, BT_EINVAL,
					  "column '%s': '%.*s%s' is not an epoch time in seconds or "
					  "milliseconds",
					  u->column, q, s, more);
		break;
	case TS_FORMAT:
		if (bt_time_parse_format(m->ts_format, s, n, m->utc_offset_ms, &ms))
			return bt_err_set(err, BT_EINVAL, "column '%s': '%.*s%s' does not match %s",
					  u->column, q, s, more, m->ts_format);
		break;
	}
	char text[32];
	int len = bt_time_format(ms, text);
	if ((rc = key(b, "ts")) != 0 || (rc = bt_buf_json_str(b, text, (size_t)len)) != 0)
		return bt_err_set(err, rc, "%s", bt_strerror(rc));
	return 0;
}

/* One event field from its constant or its column (absent if the cell is missing). */
static int write_field(struct bt_csv_reader *r, struct bt_buf *b, int f, struct bt_err *err)
{
	const struct bt_csv_map *m = r->m;
	const char *s, *more;
	size_t n;
	int rc;
	if (m->constant[f]) {
		if ((rc = key(b, event_fields[f].name)) || (rc = bt_buf_adds(b, m->constant[f])))
			return bt_err_set(err, rc, "%s", bt_strerror(rc));
		return 0;
	}
	int u = m->field_use[f];
	if (u < 0 || !cell(r, r->col[u], &s, &n))
		return 0;
	if (event_fields[f].conv == CONV_LIST && list_is_empty(s, n))
		return 0; /* "links": [] would say nothing */
	rc = key(b, event_fields[f].name);
	if (!rc)
		rc = render_value(b, f, s, n);
	if (rc == BT_EINVAL) {
		int q = quote_len(s, n, &more);
		return bt_err_set(err, BT_EINVAL,
				  "column '%s': '%.*s%s' is not yes or no (yes/no, true/false, y/n, 1/0)",
				  m->uses[u].column, q, s, more);
	}
	return rc ? bt_err_set(err, rc, "%s", bt_strerror(rc)) : 0;
}

/*
 * "ids": one entry per identifier type, in mapping order; a type fed by
 * several columns becomes an array when more than one of them has a value.
 */
static int write_ids(struct bt_csv_reader *r, struct bt_buf *b)
{
	const struct bt_csv_map *m = r->m;
	const char *s;
	size_t n, opened = 0;
	int rc = 0;
	for (size_t i = 0; i < m->nuses && !rc; i++) {
		const struct use *u = &m->uses[i];
		size_t present = 0;
		int earlier = 0;
		if (u->kind != USE_ID)
			continue;
		for (size_t j = 0; j < i; j++)
			earlier |= m->uses[j].kind == USE_ID && strcmp(m->uses[j].key, u->key) == 0;
		if (earlier)
			continue; /* written with the first column of its type */
		for (size_t j = i; j < m->nuses; j++)
			if (m->uses[j].kind == USE_ID && strcmp(m->uses[j].key, u->key) == 0)
				present += cell(r, r->col[j], &s, &n);
		if (!present)
			continue;
		rc = opened++ ? bt_buf_addc(b, ',') : key(b, "ids");
		if (!rc && opened == 1)
			rc = bt_buf_addc(b, '{');
		if (!rc)
			rc = bt_buf_json_strz(b, u->key);
		rc = rc ? rc : bt_buf_adds(b, present > 1 ? ":[" : ":");
		for (size_t j = i, k = 0; j < m->nuses && !rc; j++) {
			if (m->uses[j].kind != USE_ID || strcmp(m->uses[j].key, u->key) ||
			    !cell(r, r->col[j], &s, &n))
				continue;
			rc = k++ ? bt_buf_addc(b, ',') : 0;
			rc = rc ? rc : bt_buf_json_str(b, s, n);
		}
		if (!rc && present > 1)
			rc = bt_buf_addc(b, ']');
	}
	return !rc && opened ? bt_buf_addc(b, '}') : rc;
}

/* "props": numbers that read as JSON numbers stay numbers, the rest are strings. */
static int write_props(struct bt_csv_reader *r, struct bt_buf *b)
{
	const struct bt_csv_map *m = r->m;
	const char *s;
	size_t n, opened = 0;
	int rc = 0;
	for (size_t i = 0; i < m->nuses && !rc; i++) {
		if (m->uses[i].kind != USE_PROP || !cell(r, r->col[i], &s, &n))
			continue;
		rc = opened++ ? bt_buf_addc(b, ',') : key(b, "props");
		if (!rc && opened == 1)
			rc = bt_buf_addc(b, '{');
		rc = rc ? rc : bt_buf_json_strz(b, m->uses[i].key);
		rc = rc ? rc : bt_buf_addc(b, ':');
		if (!rc)
			rc = is_json_number(s, n) ? bt_buf_add(b, s, n) : bt_buf_json_str(b, s, n);
	}
	return !rc && opened ? bt_buf_addc(b, '}') : rc;
}

static int write_event(struct bt_csv_reader *r, struct bt_buf *b, struct bt_err *err)
{
	int rc = bt_buf_addc(b, '{');
	if (rc)
		return bt_err_set(err, rc, "%s", bt_strerror(rc));
	for (size_t f = 0; f < NFIELDS && !rc; f++) {
		switch (event_fields[f].conv) {
		case CONV_TS: rc = write_ts(r, b, err); break;
		case CONV_IDS:
			if ((rc = write_ids(r, b)) != 0)
				rc = bt_err_set(err, rc, "%s", bt_strerror(rc));
			break;
		default: rc = write_field(r, b, (int)f, err); break;
		}
	}
	if (!rc && ((rc = write_props(r, b)) != 0 || (rc = bt_buf_addc(b, '}')) != 0))
		rc = bt_err_set(err, rc, "%s", bt_strerror(rc));
	return rc;
}

/* ---- the public reader -------------------------------------------------- */

/* Check every field of the record for UTF-8, naming the first bad column. */
static int check_utf8(const struct bt_csv_reader *r, struct bt_err *err)
{
	size_t n = r->nf < BT_CSV_MAX_COLUMNS ? r->nf : BT_CSV_MAX_COLUMNS;
	for (size_t i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)r->vals.data + r->off[i];
		size_t at = utf8_check(p, r->len[i]);
		if (at == r->len[i])
			continue;
		if (r->header)
			return bt_err_set(err, BT_EINVAL,
					  "column '%s': invalid UTF-8 (byte 0x%02x at offset %zu)",
					  column_name(r, i), p[at], at);
		return bt_err_set(err, BT_EINVAL, "header: column %zu is not valid UTF-8", i + 1);
	}
	return 0;
}

/* Keep the header and find the column of every use of the mapping. */
static int take_header(struct bt_csv_reader *r, struct bt_err *err)
{
	const struct bt_csv_map *m = r->m;
	if (r->bad[0])
		return bt_err_set(err, BT_EINVAL, "header: %s", r->bad);
	if (check_utf8(r, err))
		return BT_EINVAL;
	r->ncols = r->nf;
	r->header = bt__malloc(r->vals.len + 1);
	r->col = bt__calloc(m->nuses, sizeof(*r->col));
	if (!r->header || !r->col)
		return oom(err);
	memcpy(r->header, r->vals.data, r->vals.len);
	for (size_t i = 0; i < r->ncols; i++) {
		const char *p = r->header + r->off[i];
		size_t len = r->len[i];
		if (m->trim)
			trim(&p, &len);
		r->hoff[i] = (size_t)(p - r->header);
		r->hlen[i] = len;
		r->header[r->hoff[i] + len] = '\0';
	}
	for (size_t u = 0; u < m->nuses; u++) {
		const char *name = m->uses[u].column;
		int found = -1;
		for (size_t i = 0; i < r->ncols; i++) {
			if (r->hlen[i] != strlen(name) || memcmp(column_name(r, i), name, r->hlen[i]))
				continue;
			if (found >= 0)
				return bt_err_set(err, BT_EINVAL,
						  "%s:%ld: column '%s' appears more than once in the "
						  "CSV header (columns %d and %zu)",
						  m->path, m->uses[u].line, name, found + 1, i + 1);
			found = (int)i;
		}
		if (found < 0)
			return bt_err_set(err, BT_EINVAL, "%s:%ld: column '%.100s' is not in the CSV header",
					  m->path, m->uses[u].line, name);
		r->col[u] = found;
	}
	return 0;
}

void bt_csv_close(struct bt_csv_reader *r)
{
	if (!r)
		return;
	bt_buf_release(&r->raw);
	bt_buf_release(&r->vals);
	bt__free(r->header);
	bt__free(r->col);
	bt__free(r);
}

int bt_csv_open(struct bt_csv_reader **out, FILE *f, const struct bt_csv_map *m,
		struct bt_err *err)
{
	static const unsigned char bom[3] = {0xef, 0xbb, 0xbf};
	struct bt_csv_reader *r = bt__calloc(1, sizeof(*r));
	int rc;
	*out = NULL;
	if (!r)
		return oom(err);
	r->f = f;
	r->m = m;
	r->line = 1;
	r->raw.max = BT_CSV_MAX_RECORD;
	if (fill(r) == 1 && r->in_len >= 3 && memcmp(r->in, bom, 3) == 0)
		r->in_pos = 3;
	rc = read_record(r); /* a read error of fill() shows again here */
	if (rc == 0)
		rc = bt_err_set(err, BT_EINVAL, "the input is empty: a header row is required");
	else if (rc < 0)
		rc = stream_err(err, rc);
	else
		rc = take_header(r, err);
	if (rc)
		bt_csv_close(r);
	else
		*out = r;
	return rc;
}

int bt_csv_next(struct bt_csv_reader *r, struct bt_buf *event, long *line, struct bt_err *err)
{
	bt_buf_reset(event);
	if (r->failed)
		return stream_err(err, r->failed);
	int rc = read_record(r);
	if (rc < 0) {
		r->failed = rc;
		bt_buf_reset(&r->raw);
		return stream_err(err, rc);
	}
	if (rc == 0)
		return 0;
	*line = r->rec_line;
	if (r->bad[0])
		return bt_err_set(err, BT_EINVAL, "%s", r->bad);
	if (r->nf != r->ncols)
		return bt_err_set(err, BT_EINVAL, "the record has %zu field%s, the header has %zu",
				  r->nf, r->nf == 1 ? "" : "s", r->ncols);
	if ((rc = check_utf8(r, err)) != 0 || (rc = write_event(r, event, err)) != 0) {
		bt_buf_reset(event);
		return rc;
	}
	return 1;
}

const char *bt_csv_raw(const struct bt_csv_reader *r, size_t *len)
{
	*len = r->raw.len;
	return r->raw.data ? r->raw.data : "";
}
