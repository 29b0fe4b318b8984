build-prof/src/util/buf.o: src/util/buf.c src/util/buf.h \
 include/baton/buf.h include/baton/error.h src/util/alloc.h
src/util/buf.h:
include/baton/buf.h:
include/baton/error.h:
src/util/alloc.h:
