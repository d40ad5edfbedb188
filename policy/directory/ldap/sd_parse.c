/*
 * sd_parse.c - the ACEs of a self-relative security descriptor that
 * grant or deny one extended right (see sd_parse.h). Pure and bounded:
 * nothing is read outside [sd, sd + len).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sd_parse.h"

const unsigned char SD_SEND_AS_GUID[16] = {
	0x54, 0x1a, 0x72, 0xab, 0x2f, 0x1e, 0xd0, 0x11,
	0x98, 0x19, 0x00, 0xaa, 0x00, 0x40, 0x52, 0x9b,
};

#define SE_DACL_PRESENT 0x0004u
#define SE_SELF_RELATIVE 0x8000u
#define ACE_ALLOWED 0x00
#define ACE_DENIED 0x01
#define ACE_ALLOWED_OBJECT 0x05
#define ACE_DENIED_OBJECT 0x06
#define INHERIT_ONLY_ACE 0x08
#define OBJECT_TYPE_PRESENT 0x1u
#define INHERITED_OBJECT_TYPE_PRESENT 0x2u
#define DS_CONTROL_ACCESS 0x00000100u
#define GENERIC_ALL 0x10000000u

/* Little-endian 16 and 32-bit reads (the caller checked the bounds). */
static unsigned
le16(const unsigned char *p)
{
	return (unsigned)p[0] | (unsigned)p[1] << 8;
}

/* Little-endian 32-bit read. */
static uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* String form of a binary SID; its size, or -1. */
int
sid_to_string(const unsigned char *p, size_t len, char *out, size_t outsz)
{
	if (len < 8 || p[0] != 1 || p[1] > 15)
		return -1;
	size_t n = p[1], size = 8 + 4 * n;
	if (len < size)
		return -1;
	uint64_t auth = 0;
	for (int i = 2; i < 8; i++)
		auth = auth << 8 | p[i];
	int w = auth >> 32 ? snprintf(out, outsz, "S-1-0x%012llx",
				      (unsigned long long)auth)
			   : snprintf(out, outsz, "S-1-%llu",
				      (unsigned long long)auth);
	if (w < 0 || (size_t)w >= outsz)
		return -1;
	size_t at = (size_t)w;
	for (size_t i = 0; i < n; i++) {
		w = snprintf(out + at, outsz - at, "-%lu",
			     (unsigned long)le32(p + 8 + 4 * i));
		if (w < 0 || (size_t)w >= outsz - at)
			return -1;
		at += (size_t)w;
	}
	return (int)size;
}

/* Does the ACE body (after its 4-octet header) cover the right? Sets
 * *sid to where the trustee's SID starts; -1 if malformed. */
static int
ace_covers(int type, const unsigned char *b, size_t blen,
	   const unsigned char guid[16], const unsigned char **sid)
{
	if (blen < 4)
		return -1;
	uint32_t mask = le32(b);
	if (type == ACE_ALLOWED || type == ACE_DENIED) {
		*sid = b + 4;
		return (mask & (DS_CONTROL_ACCESS | GENERIC_ALL)) != 0;
	}
	if (blen < 8)
		return -1;
	uint32_t flags = le32(b + 4);
	size_t at = 8;
	const unsigned char *otype = NULL;
	if (flags & OBJECT_TYPE_PRESENT) {
		if (blen < at + 16)
			return -1;
		otype = b + at;
		at += 16;
	}
	if (flags & INHERITED_OBJECT_TYPE_PRESENT) {
		if (blen < at + 16)
			return -1;
		at += 16;
	}
	*sid = b + at;
	if (mask & GENERIC_ALL)
		return 1;
	if (!(mask & DS_CONTROL_ACCESS))
		return 0;
	return otype == NULL || memcmp(otype, guid, 16) == 0;
}

/* Walk the ACL at acl (size octets inside the descriptor). */
static int
walk_acl(const unsigned char *acl, size_t size, const unsigned char guid[16],
	 sd_ace_fn fn, void *arg)
{
	if (size < 8 || (acl[0] != 2 && acl[0] != 4))
		return -1;
	size_t aclsize = le16(acl + 2), count = le16(acl + 4), at = 8;
	if (aclsize < 8 || aclsize > size)
		return -1;
	for (size_t i = 0; i < count; i++) {
		if (aclsize - at < 4)
			return -1;
		const unsigned char *ace = acl + at;
		int type = ace[0], flags = ace[1];
		size_t asize = le16(ace + 2);
		if (asize < 4 || asize > aclsize - at || asize % 4 != 0)
			return -1;
		at += asize;
		if (type != ACE_ALLOWED && type != ACE_DENIED &&
		    type != ACE_ALLOWED_OBJECT && type != ACE_DENIED_OBJECT)
			continue; /* audit, alarm, callback: not for access */
		const unsigned char *sid = NULL;
		int c = ace_covers(type, ace + 4, asize - 4, guid, &sid);
		if (c < 0)
			return -1;
		char s[SID_STR_MAX];
		if (sid_to_string(sid, (size_t)(ace + asize - sid), s,
				  sizeof(s)) < 0)
			return -1;
		if (c == 0 || (flags & INHERIT_ONLY_ACE))
			continue;
		int rc = fn(arg, type == ACE_ALLOWED ||
				     type == ACE_ALLOWED_OBJECT, s);
		if (rc != 0)
			return rc;
	}
	return 0;
}

/* Walk the DACL of a self-relative descriptor (see sd_parse.h). */
int
sd_walk_right(const unsigned char *sd, size_t len,
	      const unsigned char right_guid[16], sd_ace_fn fn, void *arg)
{
	if (len < 20 || sd[0] != 1)
		return -1;
	unsigned control = le16(sd + 2);
	uint32_t off = le32(sd + 16);
	if (!(control & SE_SELF_RELATIVE))
		return -1;
	if (!(control & SE_DACL_PRESENT) || off == 0)
		return 0;
	if (off < 20 || off >= len)
		return -1;
	return walk_acl(sd + off, len - off, right_guid, fn, arg);
}
