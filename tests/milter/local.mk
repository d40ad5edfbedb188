# tests/milter/local.mk - protocol tests with Debian's miltertest.
TESTS += tests/milter/protocol.sh
EXTRA_DIST += tests/milter/protocol.sh tests/milter/transaction.lua
