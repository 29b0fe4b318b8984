build-prof/cli/cmd_report.o: cli/cmd_report.c cli/cli.h \
 include/baton/baton.h include/baton/error.h include/baton/buf.h \
 include/baton/config.h include/baton/engine.h include/baton/report.h
cli/cli.h:
include/baton/baton.h:
include/baton/error.h:
include/baton/buf.h:
include/baton/config.h:
include/baton/engine.h:
include/baton/report.h:
