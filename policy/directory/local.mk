# policy/directory/local.mk - the directory: its interface and the accounts-file
# backend (part of libpolicy.a); the LDAP backend and its cache are built by
# policy/directory/ldap/local.mk.
libpolicy_a_SOURCES += \
	policy/directory/directory.c policy/directory/directory.h \
	policy/directory/dir_reaper.c policy/directory/dir_reaper.h \
	policy/directory/dir_file.c policy/directory/dir_file.h \
	policy/directory/dir_postfix_map.c policy/directory/dir_postfix_map.h

include policy/directory/ldap/local.mk
