/*
 * sender_guess.h - the best-effort domain of a MAIL FROM argument that the
 * RFC 5321 parser refused (SRS/VERP addresses with long local parts, "..",
 * U-labels failing IDNA2008 - all of which Postfix accepts). Used only for
 * unauthenticated clients, to tell a local-domain sender from a foreign
 * one. Pure.
 */
#ifndef POLICY_SENDER_GUESS_H
#define POLICY_SENDER_GUESS_H

#include <stddef.h>

/* Write into out the text after the last '@' outside double quotes (one
 * pair of surrounding <> and blanks ignored, one trailing dot removed),
 * folded (A-label when it is a valid IDN, else ASCII lower-cased). Returns
 * its length; 0 when there is no such '@', nothing after it, or the text
 * is no domain at all (octets other than letters, digits, "-._[]:" and
 * valid UTF-8). */
size_t sender_domain_guess(const char *s, size_t len, char *out, size_t size);

#endif
