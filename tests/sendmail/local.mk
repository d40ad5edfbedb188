# tests/sendmail/local.mk - end-to-end tests under Debian's sendmail, run
# from the unpacked sendmail-bin/sendmail-cf packages (sendmail-env.sh).
# Included from tests/postfix/local.mk (the top Makefile.am lists no
# tests/sendmail fragment).
TESTS += tests/sendmail/matrix.sh
EXTRA_DIST += tests/sendmail/sendmail-env.sh tests/sendmail/matrix.sh
