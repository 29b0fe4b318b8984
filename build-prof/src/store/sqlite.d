build-prof/src/store/sqlite.o: src/store/sqlite.c src/store/store.h \
 include/baton/error.h src/identity.h src/event.h src/util/json.h \
 src/util/buf.h include/baton/buf.h src/util/arena.h src/util/buf.h \
 src/util/map.h src/util/arena.h src/util/map.h include/baton/baton.h \
 src/util/alloc.h
src/store/store.h:
include/baton/error.h:
src/identity.h:
src/event.h:
src/util/json.h:
src/util/buf.h:
include/baton/buf.h:
src/util/arena.h:
src/util/buf.h:
src/util/map.h:
src/util/arena.h:
src/util/map.h:
include/baton/baton.h:
src/util/alloc.h:
