# SPDX-License-Identifier: Apache-2.0
# src/util/banned.h: every file of the build is compiled with it, and a call
# to each banned libc function fails to compile, naming the function.
# tests/banned/probe.c is built through the Makefile with one call at a time.
. "$BATON_ROOT/tests/cli/lib.sh"

# A make of its own, in a folder of this test (CFLAGS add to the build's own).
probe() { # [-DTRY_name]
	rm -f o/tests/banned/probe.o
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$BATON_ROOT" --no-print-directory -s \
		O="$PWD/o" WERROR=1 CFLAGS="-O2 $*" "$PWD/o/tests/banned/probe.o" >probe.log 2>&1
}

probe
eq "the probe compiles without a banned call" "$?:$(test -s o/tests/banned/probe.o && echo built)" "0:built"

for fn in strcpy strcat strncpy strncat sprintf vsprintf strtok strtok_r atoi atol atoll \
	mktemp gmtime localtime ctime ctime_r asctime asctime_r; do
	probe "-DTRY_$fn"
	rc=$?
	if [ "$rc" != 0 ] && grep -q "$fn is banned" probe.log && [ ! -e o/tests/banned/probe.o ]; then
		ok "a call to $fn does not compile"
	else
		notok "a call to $fn does not compile"
		sed 's/^/#   /' probe.log | head -n 5
	fi
done


# Every allocation of the library, the server and the command goes through
# the allocation wrapper (src/util/alloc.c; baton/alloc.h for the programs
# on the API), so a test can fail the n-th one: no other file calls libc's.
hits=$(cd "$BATON_ROOT" && grep -rnE '(^|[^_a-zA-Z0-9.>])(malloc|calloc|realloc|reallocarray|free|strdup|strndup|aligned_alloc|posix_memalign) *\(' \
	src server cli --include='*.c' --include='*.h' | grep -v '^src/util/alloc\.c:')
eq "only src/util/alloc.c calls malloc, calloc, realloc, free, strdup" "$hits" ""
