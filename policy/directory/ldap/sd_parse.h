/*
 * sd_parse.h - Windows security descriptors and SIDs as AD stores them
 * (MS-DTYP 2.4.2 SID, 2.4.5 ACL, 2.4.4 ACEs, 2.4.6 self-relative
 * SECURITY_DESCRIPTOR): which ACEs of a DACL grant or deny one extended
 * right (Exchange's Send-As), in the DACL's order. Pure: bytes in,
 * strings out, every offset and length checked against the buffer.
 */
#ifndef POLICY_SD_PARSE_H
#define POLICY_SD_PARSE_H

#include <stdbool.h>
#include <stddef.h>

/* "S-1-" + an authority of up to 2^48 + 15 sub-authorities of 10 digits */
#define SID_STR_MAX 200

/* Exchange's Send-As extended right, ab721a54-1e2f-11d0-9819-00aa0040529b,
 * as the 16 octets of a GUID on the wire (first three fields LE). */
extern const unsigned char SD_SEND_AS_GUID[16];

/* The string form ("S-1-5-21-...") of the binary SID at p (len octets
 * available) into out; the SID's size in octets, or -1 if malformed or
 * out is too small. */
int sid_to_string(const unsigned char *p, size_t len, char *out,
		  size_t outsz);

/* Called for each ACE of the DACL that grants (allow) or denies (!allow)
 * the right, in DACL order; a non-zero return stops the walk. */
typedef int (*sd_ace_fn)(void *arg, bool allow, const char *sid);

/* Walk the DACL of the self-relative descriptor sd (len octets) and call
 * fn for every ACE that applies to the object itself (not INHERIT_ONLY)
 * and covers the extended right right_guid: an object ACE whose
 * ObjectType is that GUID or absent with ADS_RIGHT_DS_CONTROL_ACCESS
 * (0x100), or a plain ACE with that bit or GENERIC_ALL. 0 when the
 * descriptor parsed (a descriptor without a DACL has no ACEs here),
 * -1 when malformed; fn's non-zero return is passed back. */
int sd_walk_right(const unsigned char *sd, size_t len,
		  const unsigned char right_guid[16], sd_ace_fn fn, void *arg);

#endif
