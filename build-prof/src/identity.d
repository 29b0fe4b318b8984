build-prof/src/identity.o: src/identity.c src/identity.h \
 include/baton/error.h src/event.h src/util/json.h src/util/buf.h \
 include/baton/buf.h src/util/arena.h src/util/buf.h src/util/map.h \
 src/util/arena.h src/util/alloc.h
src/identity.h:
include/baton/error.h:
src/event.h:
src/util/json.h:
src/util/buf.h:
include/baton/buf.h:
src/util/arena.h:
src/util/buf.h:
src/util/map.h:
src/util/arena.h:
src/util/alloc.h:
