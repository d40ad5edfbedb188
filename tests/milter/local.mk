# tests/milter/local.mk - protocol tests with Debian's miltertest, the
# socket rule with the built filter, where the daemon logs and what a
# reload reports (logging.sh), and what a refusal leaves behind (archive,
# notice, pid file, -x: evidence.sh); the log writer under threads and
# the session threads' stack size (test_log_threads, cmocka).
check_PROGRAMS += tests/milter/test_log_threads
tests_milter_test_log_threads_SOURCES = tests/milter/test_log_threads.c \
	milter/log.c milter/daemon.c
tests_milter_test_log_threads_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	-I$(top_srcdir)/milter
tests_milter_test_log_threads_LDADD = $(CMOCKA_LIBS) -lpthread
TESTS += tests/milter/test_log_threads
# the counters, sharded per thread, summed exactly (test_stats_threads).
check_PROGRAMS += tests/milter/test_stats_threads
tests_milter_test_stats_threads_SOURCES = tests/milter/test_stats_threads.c \
	milter/stats.c milter/log.c policy/verdict.c
tests_milter_test_stats_threads_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	-I$(top_srcdir)/milter -I$(top_srcdir)/policy
tests_milter_test_stats_threads_LDADD = $(CMOCKA_LIBS) -lpthread
TESTS += tests/milter/test_stats_threads
TESTS += tests/milter/protocol.sh tests/milter/socket.sh \
	tests/milter/logging.sh tests/milter/evidence.sh
EXTRA_DIST += tests/milter/protocol.sh tests/milter/transaction.lua \
	tests/milter/socket.sh tests/milter/logging.sh tests/milter/evidence.sh
