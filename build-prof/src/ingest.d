build-prof/src/ingest.o: src/ingest.c include/baton/baton.h \
 include/baton/error.h src/csv.h src/db.h include/baton/config.h \
 src/identity.h src/event.h src/util/json.h src/util/buf.h \
 include/baton/buf.h src/util/arena.h src/util/buf.h src/util/map.h \
 src/util/arena.h src/store/store.h src/identity.h src/util/map.h \
 src/engine.h include/baton/engine.h src/util/alloc.h
include/baton/baton.h:
include/baton/error.h:
src/csv.h:
src/db.h:
include/baton/config.h:
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
src/engine.h:
include/baton/engine.h:
src/util/alloc.h:
