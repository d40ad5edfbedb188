# policy/ldap.mk - the LDAP directory backend and its cache.
# Defines libdirldap.a and DIRLDAP_LIBS (linked into origin-milter, before
# POLICY_LIBS: the backend uses normalize.c and directory.c).
noinst_LIBRARIES += libdirldap.a
libdirldap_a_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) $(CONFUSE_CFLAGS)
libdirldap_a_SOURCES = \
	policy/dir_ldap.c policy/dir_ldap.h \
	policy/ldap_pool.c policy/ldap_pool.h \
	policy/ldap_watchdog.c policy/ldap_watchdog.h \
	policy/ldap_record.c policy/ldap_record.h \
	policy/ldap_filter.c policy/ldap_filter.h \
	policy/ldap_values.c policy/ldap_values.h \
	policy/ldap_opts.c policy/ldap_opts.h \
	policy/cache.c policy/cache.h \
	conf/ldap_conf.c conf/ldap_conf.h
DIRLDAP_LIBS = libdirldap.a $(LDAP_LIBS)
