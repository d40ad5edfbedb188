# policy/local.mk - the decision engine and directory backends (no libmilter).
noinst_LIBRARIES += libpolicy.a
libpolicy_a_CFLAGS = $(AM_CFLAGS) $(IDN2_CFLAGS)
libpolicy_a_SOURCES = \
	policy/textutil.c policy/textutil.h \
	policy/address.c policy/address.h \
	policy/normalize.c policy/normalize.h \
	policy/identity.c policy/identity.h \
	policy/reply.c policy/reply.h \
	policy/verdict.c policy/verdict.h \
	policy/decide.c policy/decide.h \
	policy/header_from.c policy/header_from.h \
	policy/cidr.c policy/cidr.h \
	policy/strmap.c policy/strmap.h \
	policy/arena.c policy/arena.h \
	policy/directory.c policy/directory.h \
	policy/dir_file.c policy/dir_file.h
POLICY_LIBS = libpolicy.a $(IDN2_LIBS)

include policy/ldap.mk
