# tests/bench/local.mk - benchmarks: a milter load generator (mgen), a null
# libmilter filter (the protocol's limit), the raw libldap search rate
# (ldsearch) and the accounts-file scaling probe (dirbench). "make bench"
# runs tests/bench/run; only the smoke test below is part of "make check".
noinst_PROGRAMS += tests/bench/mgen tests/bench/nullfilter \
	tests/bench/ldsearch tests/bench/dirbench tests/bench/smtpgen

tests_bench_mgen_SOURCES = tests/bench/mgen.c \
	tests/bench/mproto.c tests/bench/mproto.h \
	tests/bench/msession.c tests/bench/msession.h \
	tests/bench/mwork.c tests/bench/mwork.h \
	tests/bench/mstats.c tests/bench/mstats.h
tests_bench_nullfilter_SOURCES = tests/bench/nullfilter.c
tests_bench_nullfilter_LDADD = $(MILTER_LIBS)
tests_bench_ldsearch_SOURCES = tests/bench/ldsearch.c \
	tests/bench/mstats.c tests/bench/mstats.h
tests_bench_ldsearch_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS)
tests_bench_ldsearch_LDADD = $(LDAP_LIBS)
tests_bench_smtpgen_SOURCES = tests/bench/smtpgen.c \
	tests/bench/mstats.c tests/bench/mstats.h
tests_bench_dirbench_SOURCES = tests/bench/dirbench.c
tests_bench_dirbench_LDADD = $(POLICY_LIBS)

TESTS += tests/bench/smoke.sh
EXTRA_DIST += tests/bench/smoke.sh tests/bench/run tests/bench/plot.gp \
	tests/bench/e2e.sh \
	tests/bench/README.md

# Benchmarks print figures; they are not pass/fail.
bench: all
	top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	SLAPD='$(SLAPD)' SLAPADD='$(SLAPADD)' LDAPSEARCH='$(LDAPSEARCH)' \
	POSTFIX='$(POSTFIX)' SASLPASSWD2='$(SASLPASSWD2)' SWAKS='$(SWAKS)' \
	$(SHELL) $(abs_top_srcdir)/tests/bench/run
.PHONY: bench
