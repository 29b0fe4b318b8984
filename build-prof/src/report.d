build-prof/src/report.o: src/report.c include/baton/report.h \
 include/baton/buf.h include/baton/engine.h include/baton/baton.h \
 include/baton/error.h include/baton/config.h src/util/time.h
include/baton/report.h:
include/baton/buf.h:
include/baton/engine.h:
include/baton/baton.h:
include/baton/error.h:
include/baton/config.h:
src/util/time.h:
