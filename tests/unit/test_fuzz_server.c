/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fuzz_server.c - replays the fuzz corpora of what server/ reads of a
 * request in `make test` (tests/unit/replay.h): the Segment mapping
 * (fuzz/fuzz_segment.c) and the request readers of http.c and web.c
 * (fuzz/fuzz_http.c).  Those harnesses #include the server files, so this
 * test links the rest of server/ without them (the Makefile's server_rest).
 */
#define _GNU_SOURCE 1 /* as server/http.c asks, before any header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "replay.h"

#define LLVMFuzzerTestOneInput fuzz_http_one
#include "../../fuzz/fuzz_http.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_segment_one
#include "../../fuzz/fuzz_segment.c"
#undef LLVMFuzzerTestOneInput

int main(void)
{
	const struct CMUnitTest tests[] = {REPLAY(segment, 5), REPLAY(http, 5)};
	return cmocka_run_group_tests_name("fuzz replay (server)", tests, NULL, NULL);
}
