/*
 * judge.c - the decision path the daemon and the explain tool share:
 * builds struct facts from what the MTA sent, calls decide(), and runs
 * the header From/Sender check. No I/O, no libmilter.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "header_from.h"
#include "judge.h"

/* Text form of the client address and its trusted_networks membership. */
void
judge_client(const struct policy *p, const struct sockaddr *sa, char *buf,
	     size_t size, bool *trusted)
{
	*trusted = false;
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)size);
		*trusted = cidr_match(p->trusted, p->ntrusted, AF_INET,
				      (const unsigned char *)&in->sin_addr);
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)size);
		*trusted = cidr_match(p->trusted, p->ntrusted, AF_INET6,
				      (const unsigned char *)&in6->sin6_addr);
	} else {
		snprintf(buf, size, "local");
	}
}

/* The facts decide() reads, from the MTA's strings. */
static void
facts_of(const struct judge_input *in, struct facts *f)
{
	memset(f, 0, sizeof(*f));
	f->login = in->login;
	f->sender = in->sender;
	f->sender_len = strlen(in->sender);
	f->client_trusted = in->client_trusted;
	f->mta_name = in->mta_name[0] ? in->mta_name : NULL;
	f->auth_type = in->auth_type;
	f->login_xtext = in->login_xtext;
}

/* Decide the envelope. */
void
judge_envelope(const struct config *c, const struct listener *lst,
	       const struct judge_input *in, struct verdict *v)
{
	struct facts f;

	facts_of(in, &f);
	decide(&lst->policy, c->dir, &f, v);
}

/* The header check applies to authenticated messages. */
bool
judge_wants_headers(const struct listener *lst, const struct judge_input *in)
{
	return lst->check_header_from && in->login[0] != '\0';
}

/* Every From:/Sender: address must pass decide() as well. */
bool
judge_headers(const struct config *c, const struct listener *lst,
	      const struct judge_input *in, const struct hdr_from_set *hdrs,
	      struct verdict *v)
{
	struct facts f;
	struct verdict hv;

	facts_of(in, &f);
	f.sender = NULL;
	f.sender_len = 0;
	f.auth_type = NULL;
	if (!header_from_any(hdrs) ||
	    header_from_check(&lst->policy, c->dir, &f, hdrs, &hv) == 0)
		return false;
	*v = hv;
	return true;
}
