# tests/fault/local.mk - faults around the running filter under bounded
# load: broken reloads, accounts file replaced or rewritten while read,
# the MTA dropping connections mid-transaction, more connections than
# handles, slapd killed/paused/restarted. Uses mgen (tests/bench).
check_PROGRAMS += tests/fault/dropper
tests_fault_dropper_SOURCES = tests/fault/dropper.c
TESTS += tests/fault/fault.sh tests/fault/postfix-fault.sh
EXTRA_DIST += tests/fault/fault.sh tests/fault/postfix-fault.sh
