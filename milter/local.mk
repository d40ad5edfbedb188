# milter/local.mk - the daemon: libmilter callbacks, process set-up, tools.
sbin_PROGRAMS += origin-milter
origin_milter_SOURCES = \
	milter/main.c \
	milter/callbacks.c milter/callbacks.h milter/context.h \
	milter/judge.c milter/judge.h milter/queue_id.c milter/queue_id.h \
	milter/log.c milter/log.h \
	milter/snapshot.c milter/snapshot.h \
	milter/signals.c milter/signals.h \
	milter/daemon.c milter/daemon.h \
	milter/restart.c milter/restart.h \
	milter/reread.c milter/reread.h \
	milter/explain.c milter/explain.h \
	milter/evidence.c milter/evidence.h \
	milter/stats.c milter/stats.h \
	milter/report.c milter/report.h
origin_milter_LDADD = $(CONF_LIBS) $(POLICY_LIBS) $(MILTER_LIBS)
