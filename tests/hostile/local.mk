# tests/hostile/local.mk - hostile logins and senders through the real
# callbacks, policy.conf loader and accounts file (cmocka, TAP), and the
# same cases end to end through the running filter with miltertest.
check_PROGRAMS += tests/hostile/test_hostile
TESTS += tests/hostile/test_hostile tests/hostile/hostile.sh
tests_hostile_test_hostile_SOURCES = tests/hostile/test_hostile.c \
	tests/fuzz/fake_smfi.c tests/fuzz/fake_smfi.h \
	milter/callbacks.c milter/judge.c milter/queue_id.c milter/log.c \
	milter/snapshot.c milter/stats.c milter/report.c \
	milter/evidence.c
tests_hostile_test_hostile_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) \
	$(CONFUSE_CFLAGS) $(LDAP_CFLAGS) -I$(top_srcdir)/tests/fuzz
tests_hostile_test_hostile_LDADD = $(CMOCKA_LIBS) $(CONF_LIBS) $(POLICY_LIBS)
EXTRA_DIST += tests/hostile/hostile.sh
