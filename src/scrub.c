/* SPDX-License-Identifier: Apache-2.0 */
/*
 * scrub.c - identifiers out of raw records (scrub.h).  Both readings go
 * through identity's normalisation, so a value is recognised in whatever
 * form it arrived.
 */
#include "scrub.h"

#include <string.h>

int bt__raw_without_ids(const struct bt__identity *id, const struct bt_json_doc *doc,
			uint32_t root, int (*drop)(void *ctx, const char *norm, size_t n),
			void *ctx, struct bt_buf *out)
{
	const struct bt_json_node *n = doc->nodes;
	struct bt_buf norm = BT_BUF_INIT;
	int rc = bt_buf_addc(out, '{'), first = 1;
	for (uint32_t k = root + 1; !rc && k < n[root].end; k = n[k + 1].end) {
		if (!first)
			rc = bt_buf_addc(out, ',');
		first = 0;
		rc = rc ? rc : bt_json_write(out, doc, k);
		rc = rc ? rc : bt_buf_addc(out, ':');
		if (rc)
			break;
		if (!bt_json_str_eq(&n[k], "ids") || n[k + 1].type != BT_JSON_OBJECT) {
			rc = bt_json_write(out, doc, k + 1);
			continue;
		}
		uint32_t ids = k + 1;
		int firstid = 1;
		rc = bt_buf_addc(out, '{');
		for (uint32_t t = ids + 1; !rc && t < n[ids].end; t = n[t + 1].end) {
			uint32_t v = t + 1, a = v, e = n[v].end;
			int arr = n[v].type == BT_JSON_ARRAY, kept = 0;
			if (arr)
				a = v + 1;
			for (uint32_t x = a; !rc && x < e; x = n[x].end) {
				if (n[x].type != BT_JSON_STRING)
					continue;
				int r = bt__ident_normalise(&id->rules, n[t].s, n[t].len, n[x].s,
							    n[x].len, &norm);
				if (r < 0) {
					rc = r;
					break;
				}
				if (r > 0 && drop(ctx, norm.data, norm.len))
					continue;
				if (!kept) {
					rc = firstid ? 0 : bt_buf_addc(out, ',');
					firstid = 0;
					rc = rc ? rc : bt_json_write(out, doc, t);
					rc = rc ? rc : bt_buf_adds(out, arr ? ":[" : ":");
				} else
					rc = bt_buf_addc(out, ',');
				rc = rc ? rc : bt_json_write(out, doc, x);
				kept = 1;
			}
			if (!rc && kept && arr)
				rc = bt_buf_addc(out, ']');
		}
		rc = rc ? rc : bt_buf_addc(out, '}');
	}
	rc = rc ? rc : bt_buf_addc(out, '}');
	bt_buf_release(&norm);
	return rc;
}

/* Is t[0..n), read as an identifier of some type erased so far, erased?
 * (Values longer than any identifier are not tried.) */
static int erased_value(const struct bt__identity *id, const char *t, size_t n,
			struct bt_buf *norm)
{
	for (size_t i = 0; n && n <= 512 && i < id->nsuppressed_types; i++) {
		const char *type = id->suppressed_types[i];
		int r = bt__ident_normalise(&id->rules, type, strlen(type), t, n, norm);
		if (r > 0 && bt__identity_is_suppressed(id, norm->data, norm->len))
			return 1;
	}
	return 0;
}

/* Text that is not JSON: its quoted parts, and its fields. */
static int text_mentions(const struct bt__identity *id, const char *raw, size_t n,
			 struct bt_buf *norm)
{
	for (size_t i = 0; i < n; i++) {
		if (raw[i] != '"')
			continue;
		size_t j = i + 1;
		while (j < n && raw[j] != '"')
			j += raw[j] == '\\' ? 2 : 1;
		if (erased_value(id, raw + i + 1, (j < n ? j : n) - i - 1, norm))
			return 1;
		i = j;
	}
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && !strchr(",;\t\r\n", raw[j]))
			j++;
		size_t a = i, b = j; /* a CSV field may be quoted */
		while (a < b && (raw[a] == ' ' || raw[a] == '"'))
			a++;
		while (b > a && (raw[b - 1] == ' ' || raw[b - 1] == '"'))
			b--;
		if (erased_value(id, raw + a, b - a, norm))
			return 1;
		i = j + 1;
	}
	return 0;
}

int bt__mentions_erased(const struct bt__identity *id, const char *raw, size_t n,
			struct bt_json_doc *doc)
{
	struct bt_buf norm = BT_BUF_INIT;
	int found = 0;
	if (!id->suppressed.count || !id->nsuppressed_types)
		return 0;
	if (bt_json_parse(doc, raw, n, 0, NULL) == 0) {
		for (uint32_t k = 0; !found && k < doc->count; k++) {
			const struct bt_json_node *v = &doc->nodes[k];
			if (v->type == BT_JSON_STRING || v->type == BT_JSON_NUMBER)
				found = erased_value(id, v->s, v->len, &norm);
		}
	} else
		found = text_mentions(id, raw, n, &norm);
	bt_buf_release(&norm);
	return found;
}

