build-prof/src/util/json.o: src/util/json.c src/util/json.h \
 include/baton/error.h src/util/buf.h include/baton/buf.h \
 src/util/alloc.h
src/util/json.h:
include/baton/error.h:
src/util/buf.h:
include/baton/buf.h:
src/util/alloc.h:
