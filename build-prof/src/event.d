build-prof/src/event.o: src/event.c src/event.h include/baton/error.h \
 src/util/json.h src/util/buf.h include/baton/buf.h src/util/time.h
src/event.h:
include/baton/error.h:
src/util/json.h:
src/util/buf.h:
include/baton/buf.h:
src/util/time.h:
