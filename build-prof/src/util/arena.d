build-prof/src/util/arena.o: src/util/arena.c src/util/arena.h \
 src/util/alloc.h
src/util/arena.h:
src/util/alloc.h:
