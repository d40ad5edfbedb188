# tests/fuzz/local.mk - libFuzzer targets (./configure --enable-fuzzing
# CC=clang). Each target compiles the sources it tests with the fuzzer and
# sanitizer flags itself, rather than linking the uninstrumented libraries.
# Short runs: tests/fuzz/run-all.sh SECONDS (called by .ci/run); long runs:
# see tests/fuzz/README.md.
EXTRA_DIST += tests/fuzz/README.md tests/fuzz/run-all.sh tests/fuzz/corpus \
	tests/fuzz/replay.sh

# Every build: the targets with a plain main() (replay.c) replay the seed
# corpora and crash reproducers in make check.
REPLAY_CC_OPTS = $(AM_CFLAGS) $(IDN2_CFLAGS) $(CONFUSE_CFLAGS) $(LDAP_CFLAGS) \
	-I$(top_srcdir)/tests/fuzz
check_PROGRAMS += tests/fuzz/replay_address tests/fuzz/replay_identity \
	tests/fuzz/replay_reply tests/fuzz/replay_accounts \
	tests/fuzz/replay_config tests/fuzz/replay_callbacks \
	tests/fuzz/replay_ldapfilter tests/fuzz/replay_header tests/fuzz/replay_sd
TESTS += tests/fuzz/replay.sh tests/fuzz/oracle_replay
check_PROGRAMS += tests/fuzz/oracle_replay
# the daemon's side of the oracle: the real callbacks and what they call
CALLBACKS_SRC = milter/callbacks.c milter/judge.c milter/queue_id.c \
	milter/log.c milter/snapshot.c \
	milter/stats.c milter/report.c milter/evidence.c
ORACLE_SRC = tests/fuzz/fuzz_oracle.c tests/fuzz/fuzz_oracle.h \
	tests/fuzz/oracle_model.c tests/fuzz/oracle_model.h \
	tests/fuzz/fake_smfi.c tests/fuzz/fake_smfi.h
tests_fuzz_oracle_replay_SOURCES = tests/fuzz/oracle_replay.c $(ORACLE_SRC) \
	$(CALLBACKS_SRC)
tests_fuzz_oracle_replay_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_oracle_replay_LDADD = $(CONF_LIBS) $(POLICY_LIBS)
tests_fuzz_replay_address_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_address.c
tests_fuzz_replay_address_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_address_LDADD = $(POLICY_LIBS)
tests_fuzz_replay_identity_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_identity.c
tests_fuzz_replay_identity_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_identity_LDADD = $(POLICY_LIBS)
tests_fuzz_replay_reply_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_reply.c \
	tests/fuzz/fake_smfi.c tests/fuzz/fake_smfi.h
tests_fuzz_replay_reply_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_reply_LDADD = $(POLICY_LIBS)
tests_fuzz_replay_accounts_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_accounts.c
tests_fuzz_replay_accounts_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_accounts_LDADD = $(POLICY_LIBS)
tests_fuzz_replay_config_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_config.c \
	tests/fuzz/fuzz_tmpfile.c
tests_fuzz_replay_config_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_config_LDADD = $(CONF_LIBS) $(POLICY_LIBS)
tests_fuzz_replay_callbacks_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_callbacks.c tests/fuzz/fake_smfi.c \
	milter/callbacks.c milter/judge.c milter/queue_id.c milter/log.c \
	milter/snapshot.c milter/stats.c milter/report.c \
	milter/evidence.c
tests_fuzz_replay_callbacks_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_callbacks_LDADD = $(CONF_LIBS) $(POLICY_LIBS)
tests_fuzz_replay_header_SOURCES = tests/fuzz/replay.c tests/fuzz/fuzz_header.c
tests_fuzz_replay_header_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_header_LDADD = $(POLICY_LIBS)
tests_fuzz_replay_ldapfilter_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_ldapfilter.c policy/directory/ldap/ldap_filter.c
tests_fuzz_replay_ldapfilter_CFLAGS = $(REPLAY_CC_OPTS)
tests_fuzz_replay_sd_SOURCES = tests/fuzz/replay.c \
	tests/fuzz/fuzz_sd.c policy/directory/ldap/sd_parse.c
tests_fuzz_replay_sd_CFLAGS = $(REPLAY_CC_OPTS)

if FUZZING
FUZZ_TARGETS = tests/fuzz/fuzz_address tests/fuzz/fuzz_identity \
	tests/fuzz/fuzz_reply tests/fuzz/fuzz_accounts tests/fuzz/fuzz_config \
	tests/fuzz/fuzz_callbacks tests/fuzz/fuzz_ldapfilter tests/fuzz/fuzz_header \
	tests/fuzz/fuzz_oracle tests/fuzz/fuzz_sd
noinst_PROGRAMS += $(FUZZ_TARGETS)

FUZZ_FLAGS = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer -g -O1
FUZZ_CC_OPTS = $(AM_CFLAGS) $(FUZZ_FLAGS) $(IDN2_CFLAGS) $(CONFUSE_CFLAGS) \
	$(LDAP_CFLAGS) -I$(top_srcdir)/tests/fuzz
FUZZ_LINK_OPTS = $(AM_LDFLAGS) $(FUZZ_FLAGS)
FUZZ_POLICY_SRC = $(libpolicy_a_SOURCES)
FUZZ_CONF_SRC = $(libconf_a_SOURCES) $(libdirldap_a_SOURCES)
FUZZ_CONF_LIBS = $(LDAP_LIBS) $(CONFUSE_LIBS) $(IDN2_LIBS)

tests_fuzz_fuzz_address_SOURCES = tests/fuzz/fuzz_address.c $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_address_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_address_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_address_LDADD = $(IDN2_LIBS)

tests_fuzz_fuzz_identity_SOURCES = tests/fuzz/fuzz_identity.c $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_identity_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_identity_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_identity_LDADD = $(IDN2_LIBS)

tests_fuzz_fuzz_reply_SOURCES = tests/fuzz/fuzz_reply.c \
	tests/fuzz/fake_smfi.c tests/fuzz/fake_smfi.h $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_reply_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_reply_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_reply_LDADD = $(IDN2_LIBS)

tests_fuzz_fuzz_accounts_SOURCES = tests/fuzz/fuzz_accounts.c \
	$(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_accounts_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_accounts_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_accounts_LDADD = $(IDN2_LIBS)

tests_fuzz_fuzz_config_SOURCES = tests/fuzz/fuzz_config.c \
	tests/fuzz/fuzz_tmpfile.c tests/fuzz/fuzz_tmpfile.h \
	$(FUZZ_CONF_SRC) $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_config_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_config_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_config_LDADD = $(FUZZ_CONF_LIBS)

tests_fuzz_fuzz_callbacks_SOURCES = tests/fuzz/fuzz_callbacks.c \
	tests/fuzz/fake_smfi.c tests/fuzz/fake_smfi.h \
	milter/callbacks.c milter/judge.c milter/queue_id.c milter/log.c \
	milter/snapshot.c milter/stats.c milter/report.c \
	milter/evidence.c $(FUZZ_CONF_SRC) $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_callbacks_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_callbacks_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_callbacks_LDADD = $(FUZZ_CONF_LIBS)

tests_fuzz_fuzz_header_SOURCES = tests/fuzz/fuzz_header.c $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_header_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_header_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_header_LDADD = $(IDN2_LIBS)

tests_fuzz_fuzz_oracle_SOURCES = $(ORACLE_SRC) $(CALLBACKS_SRC) \
	$(FUZZ_CONF_SRC) $(FUZZ_POLICY_SRC)
tests_fuzz_fuzz_oracle_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_oracle_LDFLAGS = $(FUZZ_LINK_OPTS)
tests_fuzz_fuzz_oracle_LDADD = $(FUZZ_CONF_LIBS)

tests_fuzz_fuzz_ldapfilter_SOURCES = tests/fuzz/fuzz_ldapfilter.c \
	policy/directory/ldap/ldap_filter.c policy/directory/ldap/ldap_filter.h
tests_fuzz_fuzz_ldapfilter_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_ldapfilter_LDFLAGS = $(FUZZ_LINK_OPTS)

tests_fuzz_fuzz_sd_SOURCES = tests/fuzz/fuzz_sd.c \
	policy/directory/ldap/sd_parse.c policy/directory/ldap/sd_parse.h
tests_fuzz_fuzz_sd_CFLAGS = $(FUZZ_CC_OPTS)
tests_fuzz_fuzz_sd_LDFLAGS = $(FUZZ_LINK_OPTS)
endif
