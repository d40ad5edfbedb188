# tests/milter/local.mk - protocol tests with Debian's miltertest, and the
# socket rule with the built filter.
TESTS += tests/milter/protocol.sh tests/milter/socket.sh
EXTRA_DIST += tests/milter/protocol.sh tests/milter/transaction.lua \
	tests/milter/socket.sh
