# SPDX-License-Identifier: Apache-2.0
# The include check (scripts/layers.sh): the sources keep to the layers of
# docs/ARCHITECTURE.md, and the check fails, naming file and line, when a
# file includes a layer above its own or is in no layer.
. "$BATON_ROOT/tests/cli/lib.sh"
check="$BATON_ROOT/scripts/layers.sh"

run "$check"
eq "the sources keep to their layers" "$rc $out" "0 "

# a tree of a few files: identity (the model) may include util and event,
# not the engine; cli may include anything
mkdir -p t/src/util t/include/baton t/cli
printf '/* util */\n' >t/src/util/buf.h
printf '#include "util/buf.h"\n#include "baton/error.h"\n' >t/src/event.h
printf '/* error */\n' >t/include/baton/error.h
printf '#include "event.h"\n' >t/src/identity.c
printf '#include "identity.h"\n' >t/src/engine.h
printf '/* identity */\n#include "util/buf.h"\n' >t/src/identity.h
printf '#include "engine.h"\n#include "baton/error.h"\n' >t/cli/main.c
run "$check" "$PWD/t"
eq "includes of lower layers and of the own layer pass" "$rc $out" "0 "

printf '/* identity */\n#include "util/buf.h"\n#include "engine.h"\n' >t/src/identity.h
run "$check" "$PWD/t"
eq "an include of a higher layer fails" "$rc" 1
eq "it is named with its file, line and both layers" "$out" \
	"src/identity.h:3: #include \"engine.h\" (src/engine.h) is layer 5 (engine), above this file's layer 2 (the model)"

printf '/* identity */\n' >t/src/identity.h
printf '/* what is it? */\n' >t/src/gadget.c
run "$check" "$PWD/t"
eq "a file in no layer fails" "$rc" 1
contains "it is named" "$out" "src/gadget.c: in no layer"
