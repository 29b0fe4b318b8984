# SPDX-License-Identifier: Apache-2.0
# The Makefile: a user's CFLAGS, LDFLAGS and LDLIBS add to the flags baton
# needs (the C standard, the include paths, the warnings, the libraries)
# instead of replacing them, so `make CFLAGS=-O0` builds.
. "$BATON_ROOT/tests/cli/lib.sh"

# A make of its own, in a folder of this test, not the one running the tests.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$BATON_ROOT" --no-print-directory O="$PWD/o" "$@"; }

cmd=$(mk -n CFLAGS=-O0 "$PWD/o/src/util/suggest.o" | grep -- ' -c ')
for flag in -O0 -std=c11 -Iinclude -Isrc -Wall -Wextra -Wformat=2 -D_POSIX_C_SOURCE=200809L; do
	case " $cmd " in
	*" $flag "*) ok "CFLAGS=-O0 keeps $flag" ;;
	*) notok "CFLAGS=-O0 keeps $flag"; echo "#   $cmd" ;;
	esac
done
case " $cmd " in
*" -O2 "*) notok "CFLAGS=-O0 replaces the default -O2"; echo "#   $cmd" ;;
*) ok "CFLAGS=-O0 replaces the default -O2" ;;
esac

# and the file really compiles that way (suggest.c needs include/ and -Werror holds)
mk -s WERROR=1 CFLAGS="-O0 -g0" "$PWD/o/src/util/suggest.o" >make.log 2>&1
eq "make CFLAGS=-O0 compiles a file" "$?:$(test -s o/src/util/suggest.o && echo built)" "0:built"

link=$(mk -n LDLIBS=-lbaton_probe LDFLAGS=-Wl,-O1 "$PWD/o/baton" | grep -- ' -o [^ ]*/o/baton ')
for flag in -lbaton_probe -Wl,-O1 -lsqlite3 -lpthread -lm; do
	case " $link " in
	*" $flag "*) ok "LDLIBS and LDFLAGS given, the link keeps $flag" ;;
	*) notok "LDLIBS and LDFLAGS given, the link keeps $flag"; echo "#   $link" ;;
	esac
done
