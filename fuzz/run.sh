#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# fuzz/run.sh NAME [SECONDS] - build the libFuzzer harness fuzz/fuzz_NAME.c
# and run it for SECONDS (default 60): one fuzzer, one process at a time
# (docs/ARCHITECTURE.md, "Tests").  `make fuzz NAME=csv SECONDS=180` is the
# same.
#
# The harness and the code it fuzzes are built by clang (FUZZ_CC, default
# clang-14) with libFuzzer's coverage, ASan and UBSan, into build-fuzz/
# (make O=build-fuzz SANITIZE=fuzzer-no-link,address,undefined).  The run
# starts from the seeds of fuzz/corpus/NAME, with the words of
# fuzz/NAME.dict when there is one, and keeps what it finds in
# build-fuzz/corpus/NAME.  A crash, a leak, undefined behaviour or a broken
# invariant ends it: the input is written to build-fuzz/crashes/NAME/ and
# this script exits 1.  The fuzzer's log is build-fuzz/NAME.log.  Then:
#   build-fuzz/fuzz/fuzz_NAME FILE                  replay one input
#   build-fuzz/fuzz/fuzz_NAME -minimize_crash=1 -max_total_time=60 FILE
#                                                   make a crash smaller
#   build-fuzz/fuzz/fuzz_NAME -merge=1 fuzz/corpus/NAME build-fuzz/corpus/NAME
#                                                   add to the seeds what
#                                                   reaches new code (keep
#                                                   a corpus to 40 files)
set -eu
name=${1:-}
seconds=${2:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
if [ -z "$name" ] || [ ! -f "fuzz/fuzz_$name.c" ]; then
	names=$(for f in fuzz/fuzz_*.c; do basename "$f" .c; done | sed 's/^fuzz_//' | tr '\n' ' ')
	echo "usage: fuzz/run.sh NAME [SECONDS]; NAME is one of: $names" >&2
	exit 2
fi
out=$root/build-fuzz
make -s O=build-fuzz CC="${FUZZ_CC:-clang-14}" SANITIZE=fuzzer-no-link,address,undefined \
	CFLAGS="-g -O1" "build-fuzz/fuzz/fuzz_$name"
mkdir -p "$out/corpus/$name" "$out/crashes/$name" "$out/run-$name"
before=$(ls "$out/crashes/$name" | wc -l)
dict=
[ -f "fuzz/$name.dict" ] && dict=-dict=$root/fuzz/$name.dict
# -jobs=1 -workers=1: the fuzzer runs in one child process, its output in
# fuzz-0.log of the folder it starts in
cd "$out/run-$name"
rm -f fuzz-0.log
"$out/fuzz/fuzz_$name" -max_total_time="$seconds" -timeout=25 -jobs=1 -workers=1 $dict \
	-artifact_prefix="$out/crashes/$name/" "$out/corpus/$name" "$root/fuzz/corpus/$name" \
	>/dev/null 2>&1 || true
mv fuzz-0.log "$out/$name.log"
grep -E '^Done [0-9]+ runs|^#[0-9]+[[:space:]]+DONE' "$out/$name.log" | tail -n 1
after=$(ls "$out/crashes/$name" | wc -l)
if [ "$after" -gt "$before" ]; then
	grep -E 'ERROR|invariant broken|runtime error|Test unit written' "$out/$name.log" | head -n 20
	echo "fuzz_$name: $((after - before)) new crash(es) in build-fuzz/crashes/$name/ (log: build-fuzz/$name.log)"
	exit 1
fi
echo "fuzz_$name: no crash in $seconds s (corpus: build-fuzz/corpus/$name, log: build-fuzz/$name.log)"
