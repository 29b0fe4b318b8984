/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_json.c - libFuzzer harness for the JSON parser (src/util/json.c).
 *
 * Parses the input; when it is valid, checks the node invariants, writes
 * it back with bt_json_write, re-parses that and requires the same tree.
 * Each input gets fresh docs so ASan sees buffers of exactly the reserved
 * size.  Build and run from the repository root (fuzz/run.sh says where
 * the corpus and the crashes go):
 *
 *   fuzz/run.sh json 180
 */
#include "fuzz.h"

#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Invariants of a successful parse that the layout in json.h promises. */
static void json_check_tree(const struct bt_json_doc *d)
{
	const struct bt_json_node *n = d->nodes;
	int64_t i64;
	double x;

	CHECK(d->count > 0 && n[0].end == d->count);
	for (uint32_t i = 0; i < d->count; i++) {
		uint32_t kids = 0, k;
		CHECK(n[i].end > i && n[i].end <= d->count);
		switch (n[i].type) {
		case BT_JSON_STRING:
			CHECK(n[i].end == i + 1 && n[i].s[n[i].len] == '\0');
			break;
		case BT_JSON_NUMBER:
			CHECK(n[i].end == i + 1 && n[i].len > 0);
			(void)bt_json_i64(&n[i], &i64);
			(void)bt_json_double(&n[i], &x);
			break;
		case BT_JSON_ARRAY:
			for (k = i + 1; k < n[i].end; k = n[k].end)
				kids++;
			CHECK(k == n[i].end && kids == n[i].len);
			break;
		case BT_JSON_OBJECT:
			for (k = i + 1; k < n[i].end; k = n[k + 1].end) {
				CHECK(n[k].type == BT_JSON_STRING);
				kids++;
			}
			CHECK(k == n[i].end && kids == n[i].len);
			if (kids && !memchr(n[i + 1].s, '\0', n[i + 1].len))
				CHECK(bt_json_get(d, i, n[i + 1].s) == i + 2);
			break;
		default:
			CHECK(n[i].end == i + 1 && n[i].len == 0);
		}
	}
}

static void json_check_same(const struct bt_json_doc *a,
			    const struct bt_json_doc *b)
{
	CHECK(a->count == b->count);
	for (uint32_t i = 0; i < a->count; i++) {
		const struct bt_json_node *x = &a->nodes[i], *y = &b->nodes[i];
		CHECK(x->type == y->type && x->len == y->len &&
		      x->end == y->end);
		if (x->type == BT_JSON_STRING || x->type == BT_JSON_NUMBER)
			CHECK(memcmp(x->s, y->s, x->len) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bt_json_doc a, b;
	struct bt_buf out = BT_BUF_INIT;
	struct bt_err err;

	bt_json_doc_init(&a);
	bt_json_doc_init(&b);
	if (bt_json_parse(&a, (const char *)data, size, 0, &err) == 0) {
		json_check_tree(&a);
		CHECK(bt_json_write(&out, &a, 0) == 0);
		CHECK(bt_json_parse(&b, out.data, out.len, 0, &err) == 0);
		json_check_same(&a, &b);
	} else {
		CHECK(err.code == BT_EINVAL || err.code == BT_ELIMIT);
		CHECK(a.count == 0);
	}
	bt_buf_release(&out);
	bt_json_doc_release(&a);
	bt_json_doc_release(&b);
	return 0;
}
