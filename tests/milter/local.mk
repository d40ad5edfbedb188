# tests/milter/local.mk - protocol tests with Debian's miltertest, the
# socket rule with the built filter, where the daemon logs and what a
# reload reports (logging.sh), and what a refusal leaves behind (archive,
# notice, pid file, -x: evidence.sh).
TESTS += tests/milter/protocol.sh tests/milter/socket.sh \
	tests/milter/logging.sh tests/milter/evidence.sh
EXTRA_DIST += tests/milter/protocol.sh tests/milter/transaction.lua \
	tests/milter/socket.sh tests/milter/logging.sh tests/milter/evidence.sh
