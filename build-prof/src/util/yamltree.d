build-prof/src/util/yamltree.o: src/util/yamltree.c src/util/yamltree.h \
 include/baton/error.h src/util/alloc.h src/util/buf.h \
 include/baton/buf.h
src/util/yamltree.h:
include/baton/error.h:
src/util/alloc.h:
src/util/buf.h:
include/baton/buf.h:
