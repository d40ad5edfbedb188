/*
 * textutil.h - small byte-string checks shared by the parsers: UTF-8
 * validity, control octets, ASCII case folding. Pure: no I/O.
 */
#ifndef POLICY_TEXTUTIL_H
#define POLICY_TEXTUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool utf8_valid(const char *s, size_t len);

/* True if s[0..len) holds NUL, another C0 control octet or DEL. */
bool has_control(const char *s, size_t len);

/* ASCII-only lower-casing; other octets are left alone. */
char ascii_lower(char c);
void ascii_lower_str(char *s);

/* Copy at most size-1 octets and terminate; returns the length copied. */
size_t copy_bounded(char *dst, size_t size, const char *src, size_t len);

#endif
