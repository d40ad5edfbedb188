# tests/ad/local.mk - origin-milter against a real Active Directory (a
# Samba AD DC provisioned once per build into tests/ad/cache, run in a
# network namespace of its own; see tests/ad/samba-env.sh). ad-postfix.sh
# runs the same AD profile under a private Postfix + Cyrus SASL.
TESTS += tests/ad/ad-matrix.sh tests/ad/ad-fault.sh tests/ad/ad-postfix.sh
EXTRA_DIST += tests/ad/samba-env.sh tests/ad/ad-matrix.sh tests/ad/ad-fault.sh \
	tests/ad/ad-postfix.sh \
	tests/ad/schema-exchange.ldif
clean-local: clean-ad-cache
clean-ad-cache:
	rm -rf tests/ad/cache tests/ad/cache.new tests/ad/cache.new.log \
		tests/ad/cache.new.data.ldif tests/ad/cache.lock
.PHONY: clean-ad-cache
