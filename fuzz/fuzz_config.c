/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_config.c - libFuzzer harness for the YAML tree
 * (src/util/yamltree.c) and the configuration loader (src/config.c): YAML
 * text to a configuration, and the journey rules that `baton rules set`
 * and PATCH /v1/journeys/{id}/rules change afterwards.
 *
 * The input is a configuration file; after a line "%%" the rest is a rule
 * value, set on every rule of the first journey.  Invariants (abort() when
 * one fails):
 *  - the tree: a scalar holds no NUL and len is its length, positions are
 *    1-based, a mapping's keys are distinct scalars, nesting is at most
 *    BT_YAML_MAX_DEPTH; a refused document leaves no tree and its message
 *    starts with the file's name;
 *  - a bad configuration is BT_EINVAL (or BT_ELIMIT) with every problem
 *    reported, a line each, never a configuration, a crash or a leak;
 *  - every rule of every journey reads back as it was written: the text
 *    of bt_config_rule_get, set again with bt_config_rule_set, gives the
 *    same text (the stored rules are applied that way at every load:
 *    src/db_config.c), and so does a value from the input once accepted.
 *
 * Build and run from the repository root (fuzz/run.sh says where the
 * corpus and the crashes go):
 *
 *   fuzz/run.sh config 180
 */
#include "fuzz.h"

#include "baton/config.h"
#include "baton/error.h"
#include "util/alloc.h"
#include "util/yamltree.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void cfg_check_tree(const struct bt_ynode *n, int depth)
{
	CHECK(depth <= BT_YAML_MAX_DEPTH + 1 && n->line >= 1 && n->col >= 1);
	if (n->kind == BT_YSCALAR) {
		CHECK(n->text && strlen(n->text) == n->len && n->n == 0);
		return;
	}
	for (size_t i = 0; i < n->n; i++) {
		if (n->kind == BT_YMAP) {
			CHECK(n->keys[i]->kind == BT_YSCALAR);
			for (size_t k = 0; k < i; k++)
				CHECK(strcmp(n->keys[k]->text, n->keys[i]->text) != 0);
			cfg_check_tree(n->keys[i], depth + 1);
		}
		cfg_check_tree(n->kids[i], depth + 1);
	}
}

static void cfg_count_problem(void *ctx, long line, const char *msg)
{
	CHECK(line >= 0 && msg && msg[0]);
	++*(size_t *)ctx;
}

/* The text of a rule, or NULL when it has none ("" when there is no such rule). */
static char *cfg_rule(const struct bt_config *c, const char *journey, const char *field)
{
	char *v = NULL;
	int rc = bt_config_rule_get(c, journey, field, &v);
	CHECK(rc == 0 || rc == BT_ENOTFOUND);
	return v;
}

/* Set a rule to the text it reads as: it must read the same afterwards. */
static void cfg_rule_again(struct bt_config *c, const char *journey, const char *field)
{
	struct bt_err err = {0, ""};
	char *was = cfg_rule(c, journey, field), *now;
	int rc = bt_config_rule_set(c, journey, field, was, &err);
	if (rc)
		fprintf(stderr, "%s %s: '%s' refused: %s\n", journey, field, was ? was : "(none)",
			err.msg);
	CHECK(rc == 0);
	now = cfg_rule(c, journey, field);
	CHECK(was == now || (was && now && !strcmp(was, now)));
	bt__free(was);
	bt__free(now);
}

static void cfg_rules(struct bt_config *c, const char *value)
{
	char field[160];
	for (size_t j = 0; j < c->njourneys; j++) {
		const char *id = c->journeys[j].id;
		for (size_t i = 0; bt_config_rule_field(c, id, i, field) == 0; i++) {
			cfg_rule_again(c, id, field);
			struct bt_err err = {0, ""};
			if (j == 0 && value && bt_config_rule_set(c, id, field, value, &err) == 0)
				cfg_rule_again(c, id, field);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bt_ynode *root = NULL;
	struct bt_config *c = NULL;
	struct bt_err err = {0, ""};
	size_t head = size, tail = size, problems = 0;
	char *value = NULL;
	if (fuzz_split(data, size, &head, &tail) && !(value = fuzz_text(data + tail, size - tail)))
		return 0;
	const char *text = (const char *)data;
	int rc = bt_yaml_load_buf("fuzz.yaml", text, head, &root, &err);
	if (rc == 0)
		cfg_check_tree(root, 1);
	else
		CHECK(!root && !strncmp(err.msg, "fuzz.yaml:", 10));
	bt_yaml_free(root);
	rc = bt_config_parse("fuzz.yaml", text, head, &c, cfg_count_problem, &problems, &err);
	if (rc == 0)
		cfg_rules(c, value);
	else
		CHECK(!c && (rc == BT_EINVAL || rc == BT_ELIMIT) && problems > 0);
	bt_config_free(c);
	free(value);
	return 0;
}
