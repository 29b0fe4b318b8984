build-prof/src/util/time.o: src/util/time.c src/util/time.h \
 include/baton/error.h
src/util/time.h:
include/baton/error.h:
