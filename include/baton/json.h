/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.h - a strict, fast JSON parser that builds a flat array of nodes.
 *
 * baton reads its events as NDJSON, one JSON object per line, and parses
 * hundreds of megabytes of them per run, so this parser is built for that
 * hot path: it makes no allocation per value.  A struct bt_json_doc owns
 * three buffers (nodes, decoded strings, a stack of open containers) that
 * grow geometrically and are reused by the next parse, so parsing line after
 * line into one doc allocates nothing once the buffers are large enough.
 *
 * It is strict (RFC 8259): exactly one value with optional whitespace
 * (space, tab, LF, CR) around it; no byte order mark; strings must be valid
 * UTF-8 without raw control characters; escapes are the RFC's, with \uXXXX
 * surrogate pairs combined and an unpaired surrogate rejected; numbers
 * follow the RFC grammar exactly.  It never recurses, so deep nesting costs
 * heap (bounded by max_depth), not C stack.
 *
 * Layout: the value is a pre-order array of nodes with node 0 the root.
 * An ARRAY at i is followed by its elements' subtrees in order; an OBJECT
 * at i is followed, for each member in source order, by a STRING node (the
 * key) and then the value's subtree.  Every node records in `end` the index
 * just past its subtree, so siblings are reached by jumping:
 *
 *	for (uint32_t k = i + 1; k < n[i].end; k = n[k].end)      array element k
 *	for (uint32_t k = i + 1; k < n[i].end; k = n[k + 1].end)  key k, value k+1
 */
#ifndef BATON_JSON_H
#define BATON_JSON_H

#include <stddef.h>
#include <stdint.h>

#include "baton/error.h"
#include "baton/buf.h"

enum bt_json_type {
	BT_JSON_NULL,
	BT_JSON_FALSE,
	BT_JSON_TRUE,
	BT_JSON_NUMBER,
	BT_JSON_STRING,
	BT_JSON_ARRAY,
	BT_JSON_OBJECT
};

struct bt_json_node {
	uint8_t type; /* enum bt_json_type */
	/*
	 * STRING: decoded length in bytes; NUMBER: length of its source
	 * text; ARRAY: element count; OBJECT: member count; else 0.
	 */
	uint32_t len;
	uint32_t end; /* index of the first node after this value's subtree */
	uint32_t off; /* byte offset of the value in the source text */
	/*
	 * STRING: the decoded UTF-8, always NUL-terminated (it may contain
	 * NUL bytes from \u0000, so use len); NUMBER: its source text, not
	 * terminated; else NULL.
	 */
	const char *s;
};

struct bt_json_doc {
	struct bt_json_node *nodes; /* count nodes after a successful parse */
	uint32_t count;
	/*
	 * Most values a parse may produce (0 = as many as a uint32 counts).
	 * A server parsing untrusted input can set it to bound memory; a
	 * document with more values fails with BT_ELIMIT.
	 */
	uint32_t max_nodes;
	/*
	 * After a parse that failed with BT_EINVAL or BT_ELIMIT at a place in
	 * the text, the byte offset its message names ("at byte N"); else 0.
	 * Callers that need the place (ingest counts the line) read it here,
	 * never from the message.
	 */
	size_t err_at;

	/* Private: buffers reused from one parse to the next. */
	uint32_t node_cap;
	uint32_t stack_cap;
	uint32_t *stack; /* node indices of the open containers */
	char *str;       /* decoded strings, each followed by a NUL */
	size_t str_cap;
};

/* Prepare an empty doc; nothing is allocated until the first parse. */
void bt_json_doc_init(struct bt_json_doc *d);
/* Free everything d holds; d may be parsed into again after init. */
void bt_json_doc_release(struct bt_json_doc *d);

/*
 * Parse src[0..len) (need not be NUL-terminated) into d, replacing what d
 * held: pointers into a previous parse become invalid.  Numbers point into
 * src, so src must outlive the use of the doc.  Returns 0, or:
 *   BT_EINVAL  invalid JSON;
 *   BT_ELIMIT  nesting deeper than max_depth (0 = 100000), more values
 *              than d->max_nodes, or src longer than 4 GiB (offsets are
 *              uint32);
 *   BT_ENOMEM  out of memory.
 * The message in err names the problem and the byte offset, e.g.
 * "invalid JSON at byte 17: unexpected character 'x'".  After a failure
 * d->count is 0.  The string buffer is reserved at len + 1 bytes up front
 * (decoded strings never take more room than their source), so a parse
 * allocates at most that, the nodes and the container stack.
 */
int bt_json_parse(struct bt_json_doc *d, const char *src, size_t len,
		  uint32_t max_depth, struct bt_err *err);

/*
 * Index of the value of the first member named key of the OBJECT at index
 * obj, or 0 when there is none or obj is not an object (0 is the root,
 * never a member value).
 */
uint32_t bt_json_get(const struct bt_json_doc *d, uint32_t obj,
		     const char *key);

/*
 * The NUMBER n as an int64 when it is an integer without fraction or
 * exponent that fits; otherwise BT_EINVAL (1.0, 1e3 and
 * 9223372036854775808 are valid numbers but not int64s).
 */
int bt_json_i64(const struct bt_json_node *n, int64_t *out);

/*
 * The NUMBER n as the nearest double (strtod on a bounded copy, adapted to
 * the decimal point of the current locale so the result never depends on
 * it).  A number beyond the range of a double (1e400) gives BT_EINVAL;
 * one too small for it rounds to 0 or a subnormal.
 */
int bt_json_double(const struct bt_json_node *n, double *out);

/* 1 if n is a STRING equal to the NUL-terminated s, else 0. */
int bt_json_str_eq(const struct bt_json_node *n, const char *s);

/*
 * Append node i of d and its subtree to b as compact JSON: strings
 * re-escaped with bt_buf_json_str, numbers copied verbatim.  BT_EINVAL if
 * i is not a node of d.  On failure b holds what it held before.
 */
int bt_json_write(struct bt_buf *b, const struct bt_json_doc *d, uint32_t i);

#endif
