build-prof/cli/cmd_ingest.o: cli/cmd_ingest.c cli/cli.h \
 include/baton/baton.h include/baton/error.h include/baton/buf.h \
 include/baton/config.h include/baton/engine.h
cli/cli.h:
include/baton/baton.h:
include/baton/error.h:
include/baton/buf.h:
include/baton/config.h:
include/baton/engine.h:
