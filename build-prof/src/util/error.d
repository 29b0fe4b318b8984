build-prof/src/util/error.o: src/util/error.c include/baton/error.h
include/baton/error.h:
