# conf/local.mk - policy.conf loading (libconfuse), sample file, man pages.
noinst_LIBRARIES += libconf.a
libconf_a_CFLAGS = $(AM_CFLAGS) $(CONFUSE_CFLAGS) $(LDAP_CFLAGS)
libconf_a_SOURCES = conf/config.c conf/config.h conf/conf_text.c conf/conf_text.h \
	conf/socket_spec.c conf/socket_spec.h conf/conf_check.c conf/conf_check.h \
	conf/ldap_conf.c conf/ldap_conf.h
CONF_LIBS = libconf.a $(DIRLDAP_LIBS) $(CONFUSE_LIBS)

dist_sysconf_DATA =
EXTRA_DIST += conf/policy.conf conf/accounts
dist_man_MANS += conf/origin-milter.8 conf/policy.conf.5
