# policy/directory/ldap/local.mk - the LDAP directory backend and its cache.
# Defines libdirldap.a and DIRLDAP_LIBS (linked into origin-milter, before
# POLICY_LIBS: the backend uses normalize.c and directory.c).
noinst_LIBRARIES += libdirldap.a
libdirldap_a_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS)
libdirldap_a_SOURCES = \
	policy/directory/ldap/dir_ldap.c policy/directory/ldap/dir_ldap.h \
	policy/directory/ldap/ldap_pool.c policy/directory/ldap/ldap_pool.h \
	policy/directory/ldap/ldap_watchdog.c policy/directory/ldap/ldap_watchdog.h \
	policy/directory/ldap/ldap_record.c policy/directory/ldap/ldap_record.h \
	policy/directory/ldap/ldap_filter.c policy/directory/ldap/ldap_filter.h \
	policy/directory/ldap/ldap_values.c policy/directory/ldap/ldap_values.h \
	policy/directory/ldap/ldap_opts.c policy/directory/ldap/ldap_opts.h \
	policy/directory/ldap/sd_parse.c policy/directory/ldap/sd_parse.h \
	policy/directory/cache.c policy/directory/cache.h
DIRLDAP_LIBS = libdirldap.a $(LDAP_LIBS)
