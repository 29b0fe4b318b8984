build-prof/gen/demo_config.o: build-prof/gen/demo_config.c
