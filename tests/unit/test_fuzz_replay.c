/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_fuzz_replay.c - replays the fuzz corpora of the library's parsers in
 * `make test` (STYLE.md): every input under fuzz/corpus/NAME goes through
 * the libFuzzer harness fuzz/fuzz_NAME.c, which checks its invariants
 * (tests/unit/replay.h).  The harnesses of server/ code are replayed by
 * test_fuzz_server.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "replay.h"

/* each harness's entry point under a name of its own */
#define LLVMFuzzerTestOneInput fuzz_json_one
#include "../../fuzz/fuzz_json.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_csv_one
#include "../../fuzz/fuzz_csv.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_event_one
#include "../../fuzz/fuzz_event.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_time_one
#include "../../fuzz/fuzz_time.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_decimal_one
#include "../../fuzz/fuzz_decimal.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_netaddr_one
#include "../../fuzz/fuzz_netaddr.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_config_one
#include "../../fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput

int main(void)
{
	const struct CMUnitTest tests[] = {
		REPLAY(json, 5),    REPLAY(csv, 5),     REPLAY(event, 5),  REPLAY(time, 5),
		REPLAY(decimal, 5), REPLAY(netaddr, 5), REPLAY(config, 5),
	};
	return cmocka_run_group_tests_name("fuzz replay", tests, NULL, NULL);
}
