# policy/ldap.mk - the LDAP directory backend and its cache.
# Defines libdirldap.a and DIRLDAP_LIBS (linked into origin-milter).
noinst_LIBRARIES += libdirldap.a
libdirldap_a_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS) $(CONFUSE_CFLAGS)
libdirldap_a_SOURCES = policy/dir_ldap_stub.c
DIRLDAP_LIBS = libdirldap.a $(LDAP_LIBS)
