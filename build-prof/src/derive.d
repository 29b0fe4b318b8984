build-prof/src/derive.o: src/derive.c src/engine.h include/baton/engine.h \
 include/baton/baton.h include/baton/error.h include/baton/buf.h \
 include/baton/config.h src/event.h src/util/json.h src/util/buf.h \
 src/identity.h src/util/arena.h src/util/buf.h src/util/map.h \
 src/util/arena.h src/util/alloc.h
src/engine.h:
include/baton/engine.h:
include/baton/baton.h:
include/baton/error.h:
include/baton/buf.h:
include/baton/config.h:
src/event.h:
src/util/json.h:
src/util/buf.h:
src/identity.h:
src/util/arena.h:
src/util/buf.h:
src/util/map.h:
src/util/arena.h:
src/util/alloc.h:
