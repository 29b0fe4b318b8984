build-prof/cli/cmd_demo.o: cli/cmd_demo.c cli/cli.h include/baton/baton.h \
 include/baton/error.h include/baton/buf.h include/baton/config.h \
 include/baton/engine.h include/baton/demo.h
cli/cli.h:
include/baton/baton.h:
include/baton/error.h:
include/baton/buf.h:
include/baton/config.h:
include/baton/engine.h:
include/baton/demo.h:
