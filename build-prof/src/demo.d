build-prof/src/demo.o: src/demo.c include/baton/demo.h \
 include/baton/buf.h src/util/time.h
include/baton/demo.h:
include/baton/buf.h:
src/util/time.h:
