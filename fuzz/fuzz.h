/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz.h - what the libFuzzer harnesses of fuzz/ share.
 *
 * Each fuzz/fuzz_NAME.c defines LLVMFuzzerTestOneInput for one parser: it
 * feeds it the input and abort()s, through CHECK, when the result breaks
 * an invariant, so that libFuzzer keeps the input as a crash (a crash,
 * a leak or undefined behaviour is one already, under ASan and UBSan).
 * fuzz/run.sh NAME SECONDS builds and runs one.  `make test` replays every
 * file of fuzz/corpus/NAME through its harness: tests/unit/test_fuzz_replay.c
 * and test_fuzz_server.c #include the harnesses, each with its entry point
 * renamed by a macro, so every name a harness defines at file scope starts
 * with its own prefix.
 */
#ifndef BT_FUZZ_H
#define BT_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* An invariant: when it does not hold, say which and abort. */
#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "%s:%d: invariant broken: %s\n", __FILE__, \
				__LINE__, #cond);                                    \
			abort();                                                     \
		}                                                                    \
	} while (0)

/*
 * Split an input that holds two texts at its first line "%%": the first
 * text is data[0..*head), the second starts at *tail.  Returns 0 (and
 * leaves *head and *tail alone) when there is no such line.
 */
static inline int fuzz_split(const uint8_t *data, size_t size, size_t *head, size_t *tail)
{
	for (size_t i = 0; i + 3 <= size; i++) {
		if (memcmp(data + i, "%%\n", 3) != 0 || (i > 0 && data[i - 1] != '\n'))
			continue;
		*head = i;
		*tail = i + 3;
		return 1;
	}
	return 0;
}

/* A NUL-terminated copy of data[0..size), or NULL when it holds a NUL. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *s = size && memchr(data, '\0', size) ? NULL : malloc(size + 1);
	if (s) {
		memcpy(s, data, size);
		s[size] = '\0';
	}
	return s;
}

#endif
