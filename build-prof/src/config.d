build-prof/src/config.o: src/config.c include/baton/baton.h \
 include/baton/error.h include/baton/config.h src/db.h src/identity.h \
 src/event.h src/util/json.h src/util/buf.h include/baton/buf.h \
 src/util/arena.h src/util/buf.h src/util/map.h src/util/arena.h \
 src/store/store.h src/identity.h src/util/map.h src/util/alloc.h \
 src/util/time.h src/util/yamltree.h
include/baton/baton.h:
include/baton/error.h:
include/baton/config.h:
src/db.h:
src/identity.h:
src/event.h:
src/util/json.h:
src/util/buf.h:
include/baton/buf.h:
src/util/arena.h:
src/util/buf.h:
src/util/map.h:
src/util/arena.h:
src/store/store.h:
src/identity.h:
src/util/map.h:
src/util/alloc.h:
src/util/time.h:
src/util/yamltree.h:
