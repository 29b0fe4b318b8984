/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fuzz_replay.c - replays the fuzz corpora in `make test` (STYLE.md):
 * every input under fuzz/corpus/json goes through the libFuzzer harness
 * fuzz/fuzz_json.c (parse, write back, re-parse, compare); the harness
 * aborts on any difference, and the sanitized run checks memory.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../fuzz/fuzz_json.c"

static void replay_json(void **state)
{
	(void)state;
	const char *root = getenv("BATON_ROOT");
	char dir[4096], path[8192];
	snprintf(dir, sizeof(dir), "%s/fuzz/corpus/json", root ? root : ".");
	DIR *d = opendir(dir);
	assert_non_null(d);
	int n = 0;
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		static unsigned char buf[1 << 20];
		size_t len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		assert_int_equal(LLVMFuzzerTestOneInput(buf, len), 0);
		n++;
	}
	closedir(d);
	print_message("replayed %d corpus inputs\n", n);
	assert_true(n >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {cmocka_unit_test(replay_json)};
	return cmocka_run_group_tests_name("fuzz replay", tests, NULL, NULL);
}
