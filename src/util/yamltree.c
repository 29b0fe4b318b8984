/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yamltree.c - build a tree of plain data from libyaml's event stream; see
 * yamltree.h.
 *
 * libyaml's parser delivers events (scalar, sequence start/end, mapping
 * start/end, alias...).  A struct loader keeps a stack of the containers
 * that are open; every new node is attached to the container on top as soon
 * as it is made, so at any moment all nodes are reachable from the root and
 * a failure frees the whole tree at once (plus a mapping key still waiting
 * for its value).  Duplicate keys are found when a mapping ends, by sorting
 * its keys, so a mapping with many keys costs n log n, not n squared.
 */
#include "util/yamltree.h"

#include "baton/error.h"
#include "util/alloc.h"
#include "util/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

struct frame {
	struct bt_ynode *node;
	size_t cap;           /* allocated entries of node->kids (and node->keys) */
	struct bt_ynode *key; /* mapping: a key waiting for its value, owned here */
};

struct loader {
	const char *name;
	const char *data;
	size_t len;
	struct bt_ynode *root;
	struct frame stack[BT_YAML_MAX_DEPTH];
	int depth;
	int documents;
	struct bt_err *err;
};

void bt_yaml_free(struct bt_ynode *node)
{
	if (!node)
		return;
	for (size_t i = 0; i < node->n; i++) {
		if (node->keys)
			bt_yaml_free(node->keys[i]);
		bt_yaml_free(node->kids[i]);
	}
	bt__free(node->keys);
	bt__free(node->kids);
	bt__free(node->text);
	bt__free(node);
}

static int fail(struct loader *ld, int code, yaml_mark_t mark, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Record "NAME:LINE:COL: <message>" in ld->err and return code. */
static int fail(struct loader *ld, int code, yaml_mark_t mark, const char *fmt, ...)
{
	char what[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return bt_err_set(ld->err, code, "%s:%lu:%lu: %s", ld->name, (unsigned long)mark.line + 1,
			  (unsigned long)mark.column + 1, what);
}

static struct bt_ynode *new_node(enum bt_ykind kind, yaml_mark_t mark)
{
	struct bt_ynode *node = bt__calloc(1, sizeof(*node));
	if (node) {
		node->kind = kind;
		node->line = (long)mark.line + 1;
		node->col = (long)mark.column + 1;
	}
	return node;
}

/* Append child (and, for a mapping, its key) to the container of frame f. */
static int append(struct frame *f, struct bt_ynode *key, struct bt_ynode *child)
{
	struct bt_ynode *c = f->node;
	if (c->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 8;
		struct bt_ynode **kids = bt__reallocarray(c->kids, cap, sizeof(*kids));
		if (!kids)
			return BT_ENOMEM;
		c->kids = kids;
		if (c->kind == BT_YMAP) {
			struct bt_ynode **keys = bt__reallocarray(c->keys, cap, sizeof(*keys));
			if (!keys)
				return BT_ENOMEM;
			c->keys = keys;
		}
		f->cap = cap;
	}
	if (c->kind == BT_YMAP)
		c->keys[c->n] = key;
	c->kids[c->n++] = child;
	return 0;
}

/*
 * Give a new node to the open container (or make it the root).  Takes
 * ownership of node in every case: on failure it is freed.
 */
static int attach(struct loader *ld, struct bt_ynode *node, yaml_mark_t mark)
{
	if (ld->depth == 0) {
		ld->root = node;
		return 0;
	}
	struct frame *f = &ld->stack[ld->depth - 1];
	if (f->node->kind == BT_YMAP && !f->key) {
		if (node->kind != BT_YSCALAR) {
			const char *kind = bt_ynode_kind_name(node);
			bt_yaml_free(node);
			return fail(ld, BT_EINVAL, mark,
				    "a mapping key must be a plain value, not %s", kind);
		}
		f->key = node;
		return 0;
	}
	int rc = append(f, f->key, node);
	if (rc) {
		bt_yaml_free(node);
		return bt_err_set(ld->err, rc, "%s: out of memory", ld->name);
	}
	f->key = NULL; /* now owned by the mapping */
	return 0;
}

/* Anchors, aliases and tags make a file more than plain data: refuse them. */
static int refuse_extras(struct loader *ld, const yaml_char_t *anchor, const yaml_char_t *tag,
			 yaml_mark_t mark)
{
	if (anchor)
		return fail(ld, BT_EINVAL, mark,
			    "anchor '&%s' is not allowed: rules are plain data, write the value out",
			    (const char *)anchor);
	if (tag) {
		/* libyaml expands !!x to tag:yaml.org,2002:x; show it as written */
		const char *t = (const char *)tag, *std = "tag:yaml.org,2002:";
		int is_std = strncmp(t, std, strlen(std)) == 0;
		return fail(ld, BT_EINVAL, mark,
			    "tag '%s%s' is not allowed: rules are plain data, values need no tags",
			    is_std ? "!!" : "", is_std ? t + strlen(std) : t);
	}
	return 0;
}

static int on_scalar(struct loader *ld, const yaml_event_t *ev)
{
	const char *value = (const char *)ev->data.scalar.value;
	size_t len = ev->data.scalar.length;
	int rc = refuse_extras(ld, ev->data.scalar.anchor, ev->data.scalar.tag, ev->start_mark);
	if (rc)
		return rc;
	if (memchr(value, '\0', len))
		return fail(ld, BT_EINVAL, ev->start_mark, "a value contains a NUL character");
	struct bt_ynode *node = new_node(BT_YSCALAR, ev->start_mark);
	if (node)
		node->text = bt__strndup(value, len);
	if (!node || !node->text) {
		bt_yaml_free(node);
		return bt_err_set(ld->err, BT_ENOMEM, "%s: out of memory", ld->name);
	}
	node->len = len;
	node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	return attach(ld, node, ev->start_mark);
}

static int on_start(struct loader *ld, const yaml_event_t *ev, enum bt_ykind kind)
{
	int rc = kind == BT_YMAP ? refuse_extras(ld, ev->data.mapping_start.anchor,
						  ev->data.mapping_start.tag, ev->start_mark)
				 : refuse_extras(ld, ev->data.sequence_start.anchor,
						  ev->data.sequence_start.tag, ev->start_mark);
	if (rc)
		return rc;
	if (ld->depth == BT_YAML_MAX_DEPTH)
		return fail(ld, BT_ELIMIT, ev->start_mark, "nested deeper than %d levels",
			    BT_YAML_MAX_DEPTH);
	struct bt_ynode *node = new_node(kind, ev->start_mark);
	if (!node)
		return bt_err_set(ld->err, BT_ENOMEM, "%s: out of memory", ld->name);
	rc = attach(ld, node, ev->start_mark);
	if (rc)
		return rc;
	ld->stack[ld->depth++] = (struct frame){node, 0, NULL};
	return 0;
}

/* A key and its place in its mapping, for sorting. */
struct keyref {
	const struct bt_ynode *key;
	size_t index;
};

static int cmp_keyrefs(const void *a, const void *b)
{
	const struct keyref *x = a, *y = b;
	int c = strcmp(x->key->text, y->key->text);
	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index; /* equal keys in document order */
}

/*
 * Report the first repeated key of map in document order, naming where the
 * key first appeared.  After sorting, equal keys form runs in document
 * order: the second entry of a run is a repeat, the first its origin.
 */
static int check_duplicates(struct loader *ld, const struct bt_ynode *map)
{
	const struct keyref *first = NULL, *dup = NULL;
	struct keyref *refs;
	int rc = 0;
	if (map->n < 2)
		return 0;
	refs = bt__reallocarray(NULL, map->n, sizeof(*refs));
	if (!refs)
		return bt_err_set(ld->err, BT_ENOMEM, "%s: out of memory", ld->name);
	for (size_t i = 0; i < map->n; i++)
		refs[i] = (struct keyref){map->keys[i], i};
	qsort(refs, map->n, sizeof(*refs), cmp_keyrefs);
	for (size_t i = 1; i < map->n; i++) {
		int second_of_run = strcmp(refs[i].key->text, refs[i - 1].key->text) == 0 &&
				    (i < 2 || strcmp(refs[i].key->text, refs[i - 2].key->text) != 0);
		if (second_of_run && (!dup || refs[i].index < dup->index)) {
			dup = &refs[i];
			first = &refs[i - 1];
		}
	}
	if (dup)
		rc = bt_err_set(ld->err, BT_EINVAL,
				"%s:%ld:%ld: duplicate key '%.100s' (first at line %ld)", ld->name,
				dup->key->line, dup->key->col, dup->key->text, first->key->line);
	bt__free(refs);
	return rc;
}

static int on_end(struct loader *ld)
{
	struct frame *f = &ld->stack[--ld->depth];
	/* libyaml guarantees a value for every key, so f->key is NULL here */
	return f->node->kind == BT_YMAP ? check_duplicates(ld, f->node) : 0;
}

/* The line and column of byte offset off of the input, for reader errors. */
static void locate(const struct loader *ld, size_t off, yaml_mark_t *mark)
{
	mark->line = 0;
	mark->column = 0;
	for (size_t i = 0; i < off && i < ld->len; i++) {
		if (ld->data[i] == '\n') {
			mark->line++;
			mark->column = 0;
		} else {
			mark->column++;
		}
	}
}

static int parser_error(struct loader *ld, const yaml_parser_t *p)
{
	yaml_mark_t mark = p->problem_mark;
	const char *problem = p->problem ? p->problem : "unreadable YAML";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return bt_err_set(ld->err, BT_ENOMEM, "%s: out of memory", ld->name);
	case YAML_READER_ERROR:
		locate(ld, p->problem_offset, &mark);
		return fail(ld, BT_EINVAL, mark, "%s (the file must be UTF-8 text)", problem);
	default:
		break;
	}
	if (!p->context)
		return fail(ld, BT_EINVAL, mark, "%s", problem);
	return fail(ld, BT_EINVAL, mark, "%s (%s at line %lu)", problem, p->context,
		    (unsigned long)p->context_mark.line + 1);
}

/* Handle one event; *done is set at the end of the stream. */
static int on_event(struct loader *ld, const yaml_event_t *ev, int *done)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++ld->documents > 1)
			return fail(ld, BT_EINVAL, ev->start_mark,
				    "a second document starts here; only one is allowed");
		return 0;
	case YAML_SCALAR_EVENT: return on_scalar(ld, ev);
	case YAML_SEQUENCE_START_EVENT: return on_start(ld, ev, BT_YSEQ);
	case YAML_MAPPING_START_EVENT: return on_start(ld, ev, BT_YMAP);
	case YAML_SEQUENCE_END_EVENT:
	case YAML_MAPPING_END_EVENT: return on_end(ld);
	case YAML_ALIAS_EVENT:
		return fail(ld, BT_EINVAL, ev->start_mark,
			    "alias '*%s' is not allowed: rules are plain data, write the value out",
			    (const char *)ev->data.alias.anchor);
	case YAML_STREAM_END_EVENT: *done = 1; return 0;
	default: return 0; /* stream start, document end, no event */
	}
}

int bt_yaml_load_buf(const char *name, const char *data, size_t len, struct bt_ynode **root,
		     struct bt_err *err)
{
	struct loader ld = {.name = name, .data = data, .len = len, .err = err};
	yaml_parser_t parser;
	int rc = 0, done = 0;

	*root = NULL;
	if (len > BT_YAML_MAX_BYTES)
		return bt_err_set(err, BT_ELIMIT, "%s: the document is larger than %zu bytes", name,
				  BT_YAML_MAX_BYTES);
	if (!yaml_parser_initialize(&parser))
		return bt_err_set(err, BT_ENOMEM, "%s: out of memory", name);
	yaml_parser_set_input_string(&parser, (const unsigned char *)(data ? data : ""), len);
	while (!done && !rc) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&parser, &ev)) {
			rc = parser_error(&ld, &parser);
			break;
		}
		rc = on_event(&ld, &ev, &done);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	if (!rc && !ld.root) { /* no document, or an empty one */
		yaml_mark_t start = {0, 0, 0};
		ld.root = new_node(BT_YSCALAR, start);
		if (ld.root)
			ld.root->text = bt__strndup("", 0);
		if (!ld.root || !ld.root->text)
			rc = bt_err_set(err, BT_ENOMEM, "%s: out of memory", name);
		else
			ld.root->plain = 1;
	}
	if (rc) {
		for (int i = 0; i < ld.depth; i++)
			bt_yaml_free(ld.stack[i].key);
		bt_yaml_free(ld.root);
		return rc;
	}
	*root = ld.root;
	return 0;
}

int bt_yaml_load_file(const char *path, struct bt_ynode **root, struct bt_err *err)
{
	struct bt_buf b = BT_BUF_INIT;
	char chunk[16384];
	int rc = 0;
	FILE *f;

	*root = NULL;
	f = fopen(path, "rb");
	if (!f)
		return bt_err_set(err, errno == ENOENT ? BT_ENOTFOUND : BT_EIO, "%s: %s", path,
				  strerror(errno));
	b.max = BT_YAML_MAX_BYTES;
	for (;;) {
		size_t got = fread(chunk, 1, sizeof(chunk), f);
		if (got && (rc = bt_buf_add(&b, chunk, got)) != 0) {
			if (rc == BT_ELIMIT)
				rc = bt_err_set(err, rc, "%s: the document is larger than %zu bytes",
						path, BT_YAML_MAX_BYTES);
			else
				rc = bt_err_set(err, rc, "%s: out of memory", path);
			goto out;
		}
		if (got < sizeof(chunk))
			break;
	}
	if (ferror(f)) {
		rc = bt_err_set(err, BT_EIO, "%s: read error", path);
		goto out;
	}
	rc = bt_yaml_load_buf(path, b.data, b.len, root, err);
out:
	fclose(f);
	bt_buf_release(&b);
	return rc;
}

const struct bt_ynode *bt_ynode_get(const struct bt_ynode *map, const char *key)
{
	if (!map || map->kind != BT_YMAP)
		return NULL;
	for (size_t i = 0; i < map->n; i++)
		if (strcmp(map->keys[i]->text, key) == 0)
			return map->kids[i];
	return NULL;
}

const char *bt_ynode_text(const struct bt_ynode *node)
{
	return node && node->kind == BT_YSCALAR ? node->text : NULL;
}

size_t bt_ynode_count(const struct bt_ynode *node)
{
	return node && node->kind != BT_YSCALAR ? node->n : 0;
}

const struct bt_ynode *bt_ynode_child(const struct bt_ynode *node, size_t i)
{
	return node && node->kind != BT_YSCALAR && i < node->n ? node->kids[i] : NULL;
}

const struct bt_ynode *bt_ynode_key(const struct bt_ynode *map, size_t i)
{
	return map && map->kind == BT_YMAP && i < map->n ? map->keys[i] : NULL;
}

int bt_ynode_is_null(const struct bt_ynode *node)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
	if (!node || node->kind != BT_YSCALAR || !node->plain)
		return 0;
	for (size_t i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(node->text, nulls[i]) == 0)
			return 1;
	return 0;
}

int bt_ynode_bool(const struct bt_ynode *node, int *out)
{
	static const char *const words[] = {"false", "no", "off", "true", "yes", "on"};
	if (!node || node->kind != BT_YSCALAR)
		return BT_EINVAL;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		if (strcasecmp(node->text, words[i]) == 0) {
			*out = i >= 3;
			return 0;
		}
	}
	return BT_EINVAL;
}

const char *bt_ynode_kind_name(const struct bt_ynode *node)
{
	if (!node)
		return "nothing";
	switch (node->kind) {
	case BT_YMAP: return "a mapping";
	case BT_YSEQ: return "a sequence";
	default: return "a scalar";
	}
}
