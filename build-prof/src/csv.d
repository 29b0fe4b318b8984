build-prof/src/csv.o: src/csv.c src/csv.h include/baton/error.h \
 src/util/alloc.h src/util/buf.h include/baton/buf.h src/util/time.h \
 src/util/yamltree.h
src/csv.h:
include/baton/error.h:
src/util/alloc.h:
src/util/buf.h:
include/baton/buf.h:
src/util/time.h:
src/util/yamltree.h:
