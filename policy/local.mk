# policy/local.mk - the decision engine (no libmilter, no I/O); the directory
# backends are added by policy/directory/local.mk.
noinst_LIBRARIES += libpolicy.a
libpolicy_a_CFLAGS = $(AM_CFLAGS) $(IDN2_CFLAGS)
libpolicy_a_SOURCES = \
	policy/textutil.c policy/textutil.h \
	policy/address.c policy/address.h \
	policy/normalize.c policy/normalize.h \
	policy/identity.c policy/identity.h \
	policy/xtext.c policy/xtext.h \
	policy/sender_guess.c policy/sender_guess.h \
	policy/reply.c policy/reply.h \
	policy/verdict.c policy/verdict.h \
	policy/decide.c policy/decide.h \
	policy/exempt.c policy/exempt.h \
	policy/header_from.c policy/header_from.h \
	policy/mailbox_list.c policy/mailbox_list.h \
	policy/cidr.c policy/cidr.h \
	policy/strmap.c policy/strmap.h \
	policy/arena.c policy/arena.h
POLICY_LIBS = libpolicy.a $(IDN2_LIBS)

include policy/directory/local.mk
