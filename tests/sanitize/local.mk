# tests/sanitize/local.mk - helpers of tests/sanitize.sh: the rule that
# sorts ThreadSanitizer reports into ours and libmilter's (checked on kept
# reports in every make check) and a racy libmilter filter, the canary
# the TSan step runs to prove the rule live.
check_PROGRAMS += tests/sanitize/race-canary
tests_sanitize_race_canary_SOURCES = tests/sanitize/race-canary.c
tests_sanitize_race_canary_LDADD = $(MILTER_LIBS)
TESTS += tests/sanitize/tsan-reports.sh
EXTRA_DIST += tests/sanitize/tsan-reports.sh tests/sanitize/tsan-reports.awk \
	tests/sanitize/data
