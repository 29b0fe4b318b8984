/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_yamltree.c - the YAML tree loader: structure, positions, key order,
 * accessors, every refused construct with its message, limits, files and
 * allocation failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "baton/error.h"
#include "util/alloc.h"
#include "util/yamltree.h"

static struct bt_ynode *load(const char *text)
{
	struct bt_ynode *root = NULL;
	struct bt_err err = {0};
	int rc = bt_yaml_load_buf("t.yaml", text, strlen(text), &root, &err);
	if (rc)
		fail_msg("load failed: %s", err.msg);
	assert_non_null(root);
	return root;
}

/* Load text, expect code and an error message equal to want. */
static void load_fails(const char *text, int code, const char *want)
{
	struct bt_ynode *root = (struct bt_ynode *)1;
	struct bt_err err = {0};
	assert_int_equal(bt_yaml_load_buf("t.yaml", text, strlen(text), &root, &err), code);
	assert_null(root);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, want);
}

static void test_tree(void **state)
{
	(void)state;
	struct bt_ynode *root = load("# config\n"
				     "name: demo\n"
				     "teams:\n"
				     "  - billing\n"
				     "  - \"contact center\"\n"
				     "limits: {email: 5, phone: 5}\n"
				     "empty:\n");
	assert_int_equal(root->kind, BT_YMAP);
	assert_int_equal(root->line, 2);
	assert_int_equal(root->col, 1);
	assert_int_equal(bt_ynode_count(root), 4);
	/* keys in document order, with positions */
	const char *want[] = {"name", "teams", "limits", "empty"};
	for (size_t i = 0; i < 4; i++) {
		assert_string_equal(bt_ynode_text(bt_ynode_key(root, i)), want[i]);
		assert_int_equal(bt_ynode_key(root, i)->line, 2 + (long)i + (i >= 2 ? 2 : 0));
	}
	const struct bt_ynode *name = bt_ynode_get(root, "name");
	assert_string_equal(bt_ynode_text(name), "demo");
	assert_int_equal(name->line, 2);
	assert_int_equal(name->col, 7);
	assert_true(name->plain);

	const struct bt_ynode *teams = bt_ynode_get(root, "teams");
	assert_int_equal(teams->kind, BT_YSEQ);
	assert_int_equal(bt_ynode_count(teams), 2);
	assert_string_equal(bt_ynode_text(bt_ynode_child(teams, 0)), "billing");
	const struct bt_ynode *cc = bt_ynode_child(teams, 1);
	assert_string_equal(bt_ynode_text(cc), "contact center");
	assert_false(cc->plain);
	assert_int_equal(cc->line, 5);
	assert_int_equal(cc->col, 5);
	assert_null(bt_ynode_child(teams, 2));
	assert_null(bt_ynode_key(teams, 0)); /* a sequence has no keys */

	const struct bt_ynode *limits = bt_ynode_get(root, "limits");
	assert_int_equal(limits->kind, BT_YMAP);
	assert_string_equal(bt_ynode_text(bt_ynode_get(limits, "phone")), "5");
	assert_int_equal(bt_ynode_get(limits, "phone")->col, 27);

	assert_true(bt_ynode_is_null(bt_ynode_get(root, "empty")));
	assert_null(bt_ynode_get(root, "missing"));
	assert_null(bt_ynode_text(teams)); /* not a scalar */
	assert_null(bt_ynode_get(teams, "x"));
	bt_yaml_free(root);
}

static void test_accessors_accept_null(void **state)
{
	(void)state;
	assert_null(bt_ynode_get(NULL, "a"));
	assert_null(bt_ynode_text(NULL));
	assert_int_equal(bt_ynode_count(NULL), 0);
	assert_null(bt_ynode_child(NULL, 0));
	assert_null(bt_ynode_key(NULL, 0));
	assert_false(bt_ynode_is_null(NULL));
	int b = 7;
	assert_int_equal(bt_ynode_bool(NULL, &b), BT_EINVAL);
	assert_int_equal(b, 7);
	assert_string_equal(bt_ynode_kind_name(NULL), "nothing");
	bt_yaml_free(NULL);
}

static void test_scalars_stay_text(void **state)
{
	(void)state;
	struct bt_ynode *root = load("a: 42\nb: yes\nc: null\nd: 'null'\ne: ~\nf: |\n  two\n  lines\n"
				     "g: \"tab\\there\"\nh: Off\n");
	assert_string_equal(bt_ynode_text(bt_ynode_get(root, "a")), "42");
	assert_string_equal(bt_ynode_text(bt_ynode_get(root, "b")), "yes");
	assert_true(bt_ynode_is_null(bt_ynode_get(root, "c")));
	assert_false(bt_ynode_is_null(bt_ynode_get(root, "d"))); /* quoted: the word null */
	assert_string_equal(bt_ynode_text(bt_ynode_get(root, "d")), "null");
	assert_true(bt_ynode_is_null(bt_ynode_get(root, "e")));
	assert_string_equal(bt_ynode_text(bt_ynode_get(root, "f")), "two\nlines\n");
	assert_false(bt_ynode_get(root, "f")->plain);
	assert_string_equal(bt_ynode_text(bt_ynode_get(root, "g")), "tab\there");
	assert_int_equal(bt_ynode_get(root, "g")->len, 8);
	int v = -1;
	assert_int_equal(bt_ynode_bool(bt_ynode_get(root, "b"), &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(bt_ynode_bool(bt_ynode_get(root, "h"), &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(bt_ynode_bool(bt_ynode_get(root, "a"), &v), BT_EINVAL);
	assert_int_equal(bt_ynode_bool(root, &v), BT_EINVAL);
	assert_string_equal(bt_ynode_kind_name(root), "a mapping");
	bt_yaml_free(root);
}

static void test_top_level_shapes(void **state)
{
	(void)state;
	struct bt_ynode *root = load("");
	assert_int_equal(root->kind, BT_YSCALAR);
	assert_true(bt_ynode_is_null(root));
	assert_int_equal(root->line, 1);
	bt_yaml_free(root);
	root = load("# only a comment\n");
	assert_true(bt_ynode_is_null(root));
	bt_yaml_free(root);
	root = load("---\n- 1\n- 2\n...\n");
	assert_int_equal(root->kind, BT_YSEQ);
	assert_int_equal(bt_ynode_count(root), 2);
	bt_yaml_free(root);
	root = load("just text");
	assert_string_equal(bt_ynode_text(root), "just text");
	bt_yaml_free(root);
}

static void test_duplicate_keys(void **state)
{
	(void)state;
	load_fails("journeys: 1\nteams: 2\nowners: 3\nx: 0\nteams: 4\nowners: 5\njourneys: 6\n",
		   BT_EINVAL, "t.yaml:5:1: duplicate key 'teams' (first at line 2)");
	load_fails("a:\n  b: 1\n  c: 2\n  b: 3\n", BT_EINVAL,
		   "t.yaml:4:3: duplicate key 'b' (first at line 2)");
	load_fails("{a: 1, a: 1, a: 1}", BT_EINVAL, "t.yaml:1:8: duplicate key 'a' (first at line 1)");
	/* the same key in different mappings is fine */
	struct bt_ynode *root = load("a: {k: 1}\nb: {k: 2}\nc: [{k: 1}, {k: 2}]\n");
	bt_yaml_free(root);
}

static void test_refused_constructs(void **state)
{
	(void)state;
	load_fails("base: &b {x: 1}\n", BT_EINVAL,
		   "t.yaml:1:7: anchor '&b' is not allowed: rules are plain data, write the value out");
	load_fails("a: 1\nb: *a\n", BT_EINVAL,
		   "t.yaml:2:4: alias '*a' is not allowed: rules are plain data, write the value out");
	load_fails("a: !!str 1\n", BT_EINVAL,
		   "t.yaml:1:4: tag '!!str' is not allowed: rules are plain data, values need no tags");
	load_fails("a: !custom {x: 1}\n", BT_EINVAL,
		   "t.yaml:1:4: tag '!custom' is not allowed: rules are plain data, values need no tags");
	load_fails("? [a, b]\n: 1\n", BT_EINVAL,
		   "t.yaml:1:3: a mapping key must be a plain value, not a sequence");
	load_fails("a: 1\n---\nb: 2\n", BT_EINVAL,
		   "t.yaml:2:1: a second document starts here; only one is allowed");
	load_fails("a: \"x\\0y\"\n", BT_EINVAL, "t.yaml:1:4: a value contains a NUL character");
}

static void test_syntax_errors_carry_position(void **state)
{
	(void)state;
	load_fails("a: 1\n b: 2\n", BT_EINVAL, "t.yaml:2:3: mapping values are not allowed in this context");
	load_fails("a: [x, y\nb: 2\n", BT_EINVAL,
		   "t.yaml:2:2: did not find expected ',' or ']' (while parsing a flow sequence at line 1)");
	load_fails("a: 1\nb: \xff\n", BT_EINVAL,
		   "t.yaml:2:4: invalid leading UTF-8 octet (the file must be UTF-8 text)");
	load_fails("a: \"open\n", BT_EINVAL,
		   "t.yaml:2:1: found unexpected end of stream (while scanning a quoted scalar at line 1)");
}

static void test_limits(void **state)
{
	(void)state;
	/* size: one byte over the limit is refused before parsing */
	size_t n = BT_YAML_MAX_BYTES + 1;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, ' ', n);
	struct bt_ynode *root;
	struct bt_err err = {0};
	assert_int_equal(bt_yaml_load_buf("big.yaml", big, n, &root, &err), BT_ELIMIT);
	assert_string_equal(err.msg, "big.yaml: the document is larger than 4194304 bytes");
	assert_int_equal(bt_yaml_load_buf("big.yaml", big, n - 1, &root, &err), 0);
	bt_yaml_free(root);
	free(big);

	/* depth: BT_YAML_MAX_DEPTH nested sequences load, one more does not */
	char deep[2 * BT_YAML_MAX_DEPTH + 3];
	memset(deep, '[', BT_YAML_MAX_DEPTH);
	memset(deep + BT_YAML_MAX_DEPTH, ']', BT_YAML_MAX_DEPTH);
	deep[2 * BT_YAML_MAX_DEPTH] = '\0';
	root = load(deep);
	bt_yaml_free(root);
	memset(deep, '[', BT_YAML_MAX_DEPTH + 1);
	memset(deep + BT_YAML_MAX_DEPTH + 1, ']', BT_YAML_MAX_DEPTH + 1);
	deep[2 * BT_YAML_MAX_DEPTH + 2] = '\0';
	load_fails(deep, BT_ELIMIT, "t.yaml:1:65: nested deeper than 64 levels");
}

static void test_files(void **state)
{
	(void)state;
	char path[] = "/tmp/test_yamltree_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs("journeys:\n  - id: billing\n    owner: ann\n", f);
	fclose(f);

	struct bt_ynode *root;
	struct bt_err err = {0};
	assert_int_equal(bt_yaml_load_file(path, &root, &err), 0);
	const struct bt_ynode *j = bt_ynode_child(bt_ynode_get(root, "journeys"), 0);
	assert_string_equal(bt_ynode_text(bt_ynode_get(j, "owner")), "ann");
	assert_int_equal(bt_ynode_get(j, "owner")->line, 3);
	bt_yaml_free(root);

	f = fopen(path, "w");
	fputs("journeys: 1\njourneys: 2\n", f);
	fclose(f);
	assert_int_equal(bt_yaml_load_file(path, &root, &err), BT_EINVAL);
	char want[200];
	snprintf(want, sizeof(want), "%s:2:1: duplicate key 'journeys' (first at line 1)", path);
	assert_string_equal(err.msg, want);
	unlink(path);

	assert_int_equal(bt_yaml_load_file(path, &root, &err), BT_ENOTFOUND);
	assert_null(root);
	snprintf(want, sizeof(want), "%s: No such file or directory", path);
	assert_string_equal(err.msg, want);
}

/* Every allocation failure is reported as BT_ENOMEM and leaks nothing (ASan checks). */
static void test_out_of_memory(void **state)
{
	(void)state;
	const char *text = "a: 1\nb: [x, y, z, {k: v}]\nc: {d: {e: f}}\nd: [1,2,3,4,5,6,7,8,9,10]\n";
	int failures = 0;
	for (long n = 0;; n++) {
		struct bt_ynode *root;
		struct bt_err err = {0};
		bt__alloc_fail_after(n);
		int rc = bt_yaml_load_buf("t.yaml", text, strlen(text), &root, &err);
		bt__alloc_fail_after(-1);
		if (rc == 0) {
			bt_yaml_free(root);
			break;
		}
		assert_int_equal(rc, BT_ENOMEM);
		assert_null(root);
		failures++;
	}
	assert_true(failures > 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_accessors_accept_null),
		cmocka_unit_test(test_scalars_stay_text),
		cmocka_unit_test(test_top_level_shapes),
		cmocka_unit_test(test_duplicate_keys),
		cmocka_unit_test(test_refused_constructs),
		cmocka_unit_test(test_syntax_errors_carry_position),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
