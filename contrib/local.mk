# contrib/local.mk - operator snippets shipped in the tarball (not installed):
# Postfix main.cf lines, the sendmail.mc lines, a hardened systemd unit and
# its /etc/default file. contrib/ldap/ is listed by tests/ldap/local.mk.
EXTRA_DIST += contrib/postfix/main.cf.snippet \
	contrib/sendmail/origin-milter.mc contrib/sendmail/README \
	contrib/systemd/origin-milter.service contrib/default/origin-milter
