/*
 * xtext.h - RFC 3461 xtext decoding. Sendmail (8.13 and later) hands
 * {auth_authen} to milters in this form: "EXAMPLE\alice" arrives as
 * "EXAMPLE+5Calice", "dave+x" as "dave+2Bx". Pure.
 */
#ifndef POLICY_XTEXT_H
#define POLICY_XTEXT_H

#include <stddef.h>

/* Decode in[0..len) into out (NUL-terminated). Returns the decoded length,
 * or -1 if in is not xtext (a '+' not followed by two upper-case hex
 * digits, or a decoded NUL) or out is too small. */
int xtext_decode(const char *in, size_t len, char *out, size_t size);

#endif
