# tests/unit/local.mk - cmocka unit tests (TAP), no network, no MTA.
UNIT_CFLAGS = $(AM_CFLAGS) $(CMOCKA_CFLAGS) $(CONFUSE_CFLAGS) $(LDAP_CFLAGS) \
	-DTEST_SRCDIR='"$(abs_top_srcdir)/tests/unit"'
UNIT_LIBS = $(CMOCKA_LIBS) $(POLICY_LIBS)
UNIT_TESTS = \
	tests/unit/test_address \
	tests/unit/test_identity \
	tests/unit/test_reply \
	tests/unit/test_decide \
	tests/unit/test_dir_file \
	tests/unit/test_dir_postfix_map \
	tests/unit/test_header_from \
	tests/unit/test_config \
	tests/unit/test_cache \
	tests/unit/test_dir_reaper \
	tests/unit/test_send_as
check_PROGRAMS += $(UNIT_TESTS)
TESTS += $(UNIT_TESTS)

tests_unit_test_address_SOURCES = tests/unit/test_address.c
tests_unit_test_address_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_address_LDADD = $(UNIT_LIBS)
tests_unit_test_identity_SOURCES = tests/unit/test_identity.c
tests_unit_test_identity_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_identity_LDADD = $(UNIT_LIBS)
tests_unit_test_reply_SOURCES = tests/unit/test_reply.c
tests_unit_test_reply_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_reply_LDADD = $(UNIT_LIBS)
tests_unit_test_decide_SOURCES = tests/unit/test_decide.c tests/unit/fake_dir.c tests/unit/fake_dir.h
tests_unit_test_decide_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_decide_LDADD = $(UNIT_LIBS)
tests_unit_test_dir_file_SOURCES = tests/unit/test_dir_file.c
tests_unit_test_dir_file_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dir_file_LDADD = $(UNIT_LIBS)
tests_unit_test_dir_postfix_map_SOURCES = tests/unit/test_dir_postfix_map.c
tests_unit_test_dir_postfix_map_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dir_postfix_map_LDADD = $(UNIT_LIBS)
tests_unit_test_header_from_SOURCES = tests/unit/test_header_from.c tests/unit/fake_dir.c tests/unit/fake_dir.h
tests_unit_test_header_from_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_header_from_LDADD = $(UNIT_LIBS)
tests_unit_test_config_SOURCES = tests/unit/test_config.c
tests_unit_test_config_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_config_LDADD = $(CMOCKA_LIBS) $(CONF_LIBS) $(POLICY_LIBS)
tests_unit_test_cache_SOURCES = tests/unit/test_cache.c
tests_unit_test_cache_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_cache_LDADD = $(CMOCKA_LIBS) libdirldap.a $(POLICY_LIBS) -lpthread
tests_unit_test_dir_reaper_SOURCES = tests/unit/test_dir_reaper.c
tests_unit_test_dir_reaper_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_dir_reaper_LDADD = $(UNIT_LIBS) -lpthread
tests_unit_test_send_as_SOURCES = tests/unit/test_send_as.c \
	policy/directory/ldap/sd_parse.c
tests_unit_test_send_as_CFLAGS = $(UNIT_CFLAGS)
tests_unit_test_send_as_LDADD = $(UNIT_LIBS)
EXTRA_DIST += tests/unit/data
