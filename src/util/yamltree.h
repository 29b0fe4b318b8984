/* SPDX-License-Identifier: Apache-2.0 */
/*
 * yamltree.h - a small YAML loader that builds a tree of plain data.
 *
 * baton's configuration and mapping files are YAML.  This module reads one
 * YAML document with libyaml and returns a tree of mapping, sequence and
 * scalar nodes, each with the line and column where it starts, so that the
 * modules that interpret a file (the config loader, the CSV mapping) can
 * say exactly where a problem is.  Mapping keys keep their document order.
 *
 * Rules are plain data, so the loader refuses what would make a file more
 * than that: anchors and aliases (&x, *x), tags (!!str, !custom), mapping
 * keys that are not scalars, duplicate keys in one mapping, more than one
 * document, documents larger than BT_YAML_MAX_BYTES and nesting deeper than
 * BT_YAML_MAX_DEPTH.  Scalars are kept as text (no implicit typing: `42`,
 * `yes` and `null` are the strings "42", "yes" and "null"); the accessors
 * below interpret them on request.  A scalar never contains a NUL byte.
 *
 * Error messages start with "NAME:LINE:COL: " (NAME is the path or the name
 * given to bt_yaml_load_buf) followed by the problem, e.g.
 *   "teams.yaml:7:1: duplicate key 'journeys' (first at line 2)".
 */
#ifndef BT_UTIL_YAMLTREE_H
#define BT_UTIL_YAMLTREE_H

#include <stddef.h>

struct bt_err;

#define BT_YAML_MAX_BYTES ((size_t)4 << 20) /* 4 MiB */
#define BT_YAML_MAX_DEPTH 64

enum bt_ykind { BT_YSCALAR, BT_YSEQ, BT_YMAP };

/*
 * One node.  The fields are read-only for users of the tree; the accessors
 * below also accept NULL so that lookups can be chained.
 */
struct bt_ynode {
	enum bt_ykind kind;
	long line, col;         /* 1-based position of the node's first character */
	int plain;              /* scalar written without quotes or block style */
	char *text;             /* scalar: its NUL-terminated text; else NULL */
	size_t len;             /* scalar: strlen(text) */
	size_t n;               /* sequence: items; mapping: key/value pairs */
	struct bt_ynode **keys; /* mapping: the n keys (scalars), in document order */
	struct bt_ynode **kids; /* sequence: the n items; mapping: kids[i] is the value of keys[i] */
};

/*
 * Load one YAML document from data[0..len), naming it `name` in errors.
 * On success *root is the document's top node (an empty input or one with
 * only comments gives a plain empty scalar at 1:1); free it with
 * bt_yaml_free.  Returns 0, BT_EINVAL (bad YAML or a refused construct),
 * BT_ELIMIT (larger than BT_YAML_MAX_BYTES or nested deeper than
 * BT_YAML_MAX_DEPTH) or BT_ENOMEM; on failure *root is NULL.
 */
int bt_yaml_load_buf(const char *name, const char *data, size_t len, struct bt_ynode **root,
		     struct bt_err *err);

/* Same, reading the file at path (BT_ENOTFOUND if it does not exist, BT_EIO if unreadable). */
int bt_yaml_load_file(const char *path, struct bt_ynode **root, struct bt_err *err);

void bt_yaml_free(struct bt_ynode *root);

/* The value of key in a mapping, or NULL (not a mapping, or no such key). */
const struct bt_ynode *bt_ynode_get(const struct bt_ynode *map, const char *key);
/* The text of a scalar, or NULL for anything else. */
const char *bt_ynode_text(const struct bt_ynode *node);
/* Items of a sequence, pairs of a mapping, 0 for a scalar or NULL. */
size_t bt_ynode_count(const struct bt_ynode *node);
/* The i-th item of a sequence or the i-th value of a mapping, or NULL. */
const struct bt_ynode *bt_ynode_child(const struct bt_ynode *node, size_t i);
/* The i-th key of a mapping, or NULL. */
const struct bt_ynode *bt_ynode_key(const struct bt_ynode *map, size_t i);
/* 1 for a plain scalar meaning "no value": empty, ~, null, Null or NULL. */
int bt_ynode_is_null(const struct bt_ynode *node);
/*
 * A scalar read as a boolean: true/yes/on give 1, false/no/off give 0
 * (any case).  Returns 0, or BT_EINVAL (leaving *out alone) for anything else.
 */
int bt_ynode_bool(const struct bt_ynode *node, int *out);
/* "a mapping", "a sequence", "a scalar" or "nothing", for error messages. */
const char *bt_ynode_kind_name(const struct bt_ynode *node);

#endif
