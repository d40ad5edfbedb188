# tests/fault/local.mk - faults around the running filter under bounded
# load: broken reloads, accounts file replaced or rewritten while read,
# the MTA dropping connections mid-transaction, more connections than
# handles, slapd killed/paused/restarted. Uses mgen (tests/bench).
check_PROGRAMS += tests/fault/dropper
tests_fault_dropper_SOURCES = tests/fault/dropper.c
TESTS += tests/fault/fault.sh tests/fault/postfix-fault.sh
EXTRA_DIST += tests/fault/fault.sh tests/fault/postfix-fault.sh tests/fault/ROBUSTNESS.md

# The bounded soak (not part of make check): 1,000,000 messages through
# mgen, the filter's RSS sampled every second (tests/soak/soak.sh).
EXTRA_DIST += tests/soak/soak.sh
SOAK_MESSAGES = 1000000
soak: all
	$(SHELL) $(abs_top_srcdir)/tests/soak/soak.sh $(SOAK_MESSAGES) \
		$(abs_top_builddir) $(abs_top_builddir)/soak
.PHONY: soak
