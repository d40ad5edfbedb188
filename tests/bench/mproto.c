/*
 * mproto.c - the MTA side of the milter protocol v6 (see mproto.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <libmilter/mfdef.h>

#include "mproto.h"

/* Everything Postfix 3.7 offers with milter_protocol = 6. */
#define PF_ACTIONS 0x1FFu
#define PF_PROTOCOL                                                          \
	(SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOMAIL | SMFIP_NORCPT |      \
	 SMFIP_NOBODY | SMFIP_NOHDRS | SMFIP_NOEOH | SMFIP_NOUNKNOWN |       \
	 SMFIP_NODATA | SMFIP_SKIP | SMFIP_RCPT_REJ | SMFIP_NR_HDR |         \
	 SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT |     \
	 SMFIP_NR_DATA | SMFIP_NR_UNKN | SMFIP_NR_EOH | SMFIP_NR_BODY |      \
	 SMFIP_HDR_LEADSPC)

/* Record an error and return -1. */
static int
fail(struct mconn *c, const char *what)
{
	snprintf(c->err, sizeof c->err, "%s: %s", what,
		 errno ? strerror(errno) : "protocol");
	return -1;
}

/* Parse a socket specification as libmilter writes it. */
int
mp_parse_socket(const char *spec, char *path, size_t pathsz, char *host,
		size_t hostsz, int *port)
{
	const char *at;

	*port = 0;
	path[0] = host[0] = '\0';
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0)
		spec = strchr(spec, ':') + 1;
	if (spec[0] == '/') {
		if (strlen(spec) >= pathsz)
			return -1;
		strcpy(path, spec);
		return 0;
	}
	if (strncmp(spec, "inet:", 5) != 0)
		return -1;
	spec += 5;
	*port = atoi(spec);
	at = strchr(spec, '@');
	snprintf(host, hostsz, "%s", at ? at + 1 : "127.0.0.1");
	return *port > 0 && *port < 65536 ? 0 : -1;
}

/* Open a stream socket to the filter. */
static int
dial(struct mconn *c, const char *spec, int timeout)
{
	char path[108], host[256];
	int port, one = 1;
	struct timeval tv = {timeout, 0};

	if (mp_parse_socket(spec, path, sizeof path, host, sizeof host,
			    &port) != 0) {
		errno = EINVAL;
		return fail(c, "socket spec");
	}
	if (path[0]) {
		struct sockaddr_un sun = {.sun_family = AF_UNIX};
		strcpy(sun.sun_path, path);
		if ((c->fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
			return fail(c, "socket");
		if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) < 0)
			return fail(c, "connect");
	} else {
		struct sockaddr_in sin = {.sin_family = AF_INET};
		sin.sin_port = htons((uint16_t)port);
		if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
			errno = EINVAL;
			return fail(c, "inet host (numeric IPv4 only)");
		}
		if ((c->fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
			return fail(c, "socket");
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
		if (connect(c->fd, (struct sockaddr *)&sin, sizeof sin) < 0)
			return fail(c, "connect");
	}
	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
	return 0;
}

/* Write the whole buffer. */
static int
write_all(struct mconn *c, const void *p, size_t len)
{
	const unsigned char *b = p;
	ssize_t n;

	while (len > 0) {
		n = send(c->fd, b, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return fail(c, "write");
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Send what is buffered. */
static int
flush(struct mconn *c)
{
	size_t len = c->outlen;

	c->outlen = 0;
	return len ? write_all(c, c->out, len) : 0;
}

/* Queue one packet: length, command, data. */
static int
put_packet(struct mconn *c, char cmd, const void *data, size_t len)
{
	uint32_t nlen = htonl((uint32_t)(len + 1));

	if (c->outlen + 5 + len > MP_OUTBUF && flush(c) != 0)
		return -1;
	if (5 + len > MP_OUTBUF) {
		unsigned char hdr[5];
		memcpy(hdr, &nlen, 4);
		hdr[4] = (unsigned char)cmd;
		if (write_all(c, hdr, 5) != 0)
			return -1;
		return write_all(c, data, len);
	}
	memcpy(c->out + c->outlen, &nlen, 4);
	c->out[c->outlen + 4] = (unsigned char)cmd;
	if (len)
		memcpy(c->out + c->outlen + 5, data, len);
	c->outlen += 5 + len;
	return 0;
}

/* Read exactly len bytes through the input buffer. */
static int
read_exact(struct mconn *c, void *dst, size_t len)
{
	unsigned char *d = dst;
	size_t take;
	ssize_t n;

	while (len > 0) {
		if (c->inpos == c->inlen) {
			n = recv(c->fd, c->in, sizeof c->in, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n == 0)
				errno = ECONNRESET;
			if (n <= 0)
				return fail(c, "read");
			c->inpos = 0;
			c->inlen = (size_t)n;
		}
		take = c->inlen - c->inpos;
		if (take > len)
			take = len;
		if (d) {
			memcpy(d, c->in + c->inpos, take);
			d += take;
		}
		c->inpos += take;
		len -= take;
	}
	return 0;
}

/* Read one packet; keep at most size bytes of its data in buf. */
static int
get_packet(struct mconn *c, char *cmd, char *buf, size_t size, size_t *len)
{
	uint32_t nlen;
	size_t plen, keep;
	unsigned char ch;

	if (flush(c) != 0 || read_exact(c, &nlen, 4) != 0)
		return -1;
	plen = ntohl(nlen);
	errno = 0;
	if (plen < 1 || plen > (1u << 24))
		return fail(c, "reply length");
	if (read_exact(c, &ch, 1) != 0)
		return -1;
	*cmd = (char)ch;
	plen--;
	keep = plen < size ? plen : size;
	if (read_exact(c, buf, keep) != 0)
		return -1;
	if (plen > keep && read_exact(c, NULL, plen - keep) != 0)
		return -1;
	*len = keep;
	return 0;
}

/* Keep the macro lists the filter asked for in its OPTNEG reply. */
static void
keep_symlists(struct mconn *c, const char *p, size_t len)
{
	uint32_t stage;
	size_t n;

	while (len > 4) {
		memcpy(&stage, p, 4);
		stage = ntohl(stage);
		p += 4;
		len -= 4;
		n = strnlen(p, len);
		if (stage < MP_NSTAGES) {
			c->has_symlist[stage] = 1;
			snprintf(c->symlist[stage], MP_SYMLIST, " %.*s ",
				 (int)n, p);
		}
		if (n >= len)
			break;
		p += n + 1;
		len -= n + 1;
	}
}

/* SMFIC_OPTNEG as Postfix sends it; keep what the filter chose. */
static int
negotiate(struct mconn *c)
{
	uint32_t v[3] = {htonl(6), htonl(PF_ACTIONS), htonl(PF_PROTOCOL)};
	char buf[4096], cmd;
	size_t len;

	if (put_packet(c, SMFIC_OPTNEG, v, sizeof v) != 0)
		return -1;
	if (get_packet(c, &cmd, buf, sizeof buf, &len) != 0)
		return -1;
	errno = 0;
	if (cmd != SMFIC_OPTNEG || len < 12)
		return fail(c, "OPTNEG reply");
	memcpy(v, buf, sizeof v);
	c->version = ntohl(v[0]);
	c->actions = ntohl(v[1]);
	c->protocol = ntohl(v[2]);
	keep_symlists(c, buf + 12, len - 12);
	return 0;
}

/* Connect to the filter and negotiate. */
int
mconn_open(struct mconn *c, const char *spec, int timeout)
{
	memset(c->has_symlist, 0, sizeof c->has_symlist);
	c->fd = -1;
	c->outlen = c->inpos = c->inlen = 0;
	c->err[0] = c->reply[0] = '\0';
	if (dial(c, spec, timeout) != 0 || negotiate(c) != 0) {
		mconn_close(c);
		return -1;
	}
	return 0;
}

/* Close the connection (nothing is flushed). */
void
mconn_close(struct mconn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

/* True if the stage's macro list (or Postfix's default) includes name. */
static int
wanted(const struct mconn *c, int stage, const char *name)
{
	char pat[80];
	const char *bare = name;
	size_t n = strlen(name);

	if (!c->has_symlist[stage])
		return 1;
	snprintf(pat, sizeof pat, " %s ", name);
	if (strstr(c->symlist[stage], pat))
		return 1;
	if (name[0] == '{' && n > 2) { /* the filter may omit the braces */
		bare = name + 1;
		snprintf(pat, sizeof pat, " %.*s ", (int)(n - 2), bare);
		return strstr(c->symlist[stage], pat) != NULL;
	}
	snprintf(pat, sizeof pat, " {%s} ", name);
	return strstr(c->symlist[stage], pat) != NULL;
}

/* Queue SMFIC_MACRO for the event cmd, if any macro is to be sent. */
static int
put_macros(struct mconn *c, int stage, const struct mp_macro *m, size_t nm,
	   char cmd)
{
	char buf[2048];
	size_t len = 1, nl, vl, i;

	buf[0] = cmd;
	for (i = 0; i < nm; i++) {
		if (!m[i].value || !wanted(c, stage, m[i].name))
			continue;
		nl = strlen(m[i].name) + 1;
		vl = strlen(m[i].value) + 1;
		if (len + nl + vl > sizeof buf)
			break;
		memcpy(buf + len, m[i].name, nl);
		memcpy(buf + len + nl, m[i].value, vl);
		len += nl + vl;
	}
	if (len == 1)
		return 0;
	return put_packet(c, SMFIC_MACRO, buf, len);
}

/* Map a reply packet to its meaning. */
static enum mp_reply
classify(struct mconn *c, char cmd, const char *buf, size_t len)
{
	switch (cmd) {
	case SMFIR_CONTINUE:
		return MP_CONTINUE;
	case SMFIR_ACCEPT:
		return MP_ACCEPT;
	case SMFIR_REJECT:
		return MP_REJECT;
	case SMFIR_TEMPFAIL:
		return MP_TEMPFAIL;
	case SMFIR_DISCARD:
		return MP_DISCARD;
	case SMFIR_SKIP:
		return MP_SKIP;
	case SMFIR_REPLYCODE:
		snprintf(c->reply, sizeof c->reply, "%.*s", (int)len, buf);
		return MP_REPLYCODE;
	}
	errno = 0;
	snprintf(c->err, sizeof c->err, "unexpected reply '%c'", cmd);
	return MP_ERROR;
}

/* Queue macros and a command. */
int
mp_queue(struct mconn *c, int stage, const struct mp_macro *m, size_t nm,
	 char cmd, const void *data, size_t len)
{
	if (put_macros(c, stage, m, nm, cmd) != 0)
		return -1;
	return put_packet(c, cmd, data, len);
}

/* Send an event and read its reply unless none is due. */
enum mp_reply
mp_event(struct mconn *c, int stage, const struct mp_macro *m, size_t nm,
	 char cmd, const void *data, size_t len, uint32_t step, uint32_t nr)
{
	char buf[512], rc;
	size_t rlen;

	if (step && (c->protocol & step))
		return MP_NONE;
	if (mp_queue(c, stage, m, nm, cmd, data, len) != 0)
		return MP_ERROR;
	if (nr && (c->protocol & nr))
		return MP_NONE;
	if (get_packet(c, &rc, buf, sizeof buf, &rlen) != 0)
		return MP_ERROR;
	return classify(c, rc, buf, rlen);
}

/* Read end-of-message replies until a final one. */
enum mp_reply
mp_read_final(struct mconn *c)
{
	char buf[512], rc;
	size_t rlen;
	int i;

	for (i = 0; i < 10000; i++) {
		if (get_packet(c, &rc, buf, sizeof buf, &rlen) != 0)
			return MP_ERROR;
		if (strchr("+-2behimpq", rc) == NULL)
			return classify(c, rc, buf, rlen);
	}
	return MP_ERROR;
}

/* Queue ABORT or QUIT (no reply); QUIT flushes. */
int
mp_send_noreply(struct mconn *c, char cmd)
{
	if (put_packet(c, cmd, NULL, 0) != 0)
		return -1;
	return cmd == SMFIC_QUIT ? flush(c) : 0;
}

/* NUL-separated strings, as MAIL and RCPT carry them. */
size_t
mp_strings(char *buf, size_t size, const char *const *s, size_t n)
{
	size_t len = 0, l, i;

	for (i = 0; i < n; i++) {
		l = strlen(s[i]) + 1;
		if (len + l > size)
			return 0;
		memcpy(buf + len, s[i], l);
		len += l;
	}
	return len;
}

/* Name of a reply for reports. */
const char *
mp_reply_name(enum mp_reply r)
{
	static const char *const names[] = {
	    "none",    "continue", "accept", "reject", "tempfail",
	    "discard", "replycode", "skip",  "error"};

	return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : "?";
}
