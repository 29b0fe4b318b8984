build-prof/cli/cmd_erase.o: cli/cmd_erase.c cli/cli.h \
 include/baton/baton.h include/baton/error.h include/baton/buf.h \
 include/baton/config.h include/baton/engine.h
cli/cli.h:
include/baton/baton.h:
include/baton/error.h:
include/baton/buf.h:
include/baton/config.h:
include/baton/engine.h:
