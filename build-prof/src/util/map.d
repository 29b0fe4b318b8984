build-prof/src/util/map.o: src/util/map.c src/util/map.h src/util/arena.h \
 include/baton/error.h src/util/alloc.h
src/util/map.h:
src/util/arena.h:
include/baton/error.h:
src/util/alloc.h:
