build-prof/src/util/alloc.o: src/util/alloc.c src/util/alloc.h
src/util/alloc.h:
