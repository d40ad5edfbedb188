/*
 * ldap_values.h - interpret directory attribute values.
 *
 * Active Directory writes addresses as typed proxyAddresses
 * ("SMTP:primary@x", "smtp:alias@x", "X400:...") and the home server as an
 * X.500 path ("/o=Org/ou=Site/cn=Configuration/cn=Servers/cn=SERVER1") or,
 * in homeMDB, as the DN of a mailbox store under "CN=SERVER1,CN=Servers".
 * OpenLDAP sites write plain addresses and a host name (mailHost). These
 * helpers turn such values into what the decision engine compares. Pure.
 */
#ifndef POLICY_LDAP_VALUES_H
#define POLICY_LDAP_VALUES_H

#include <stddef.h>

/* The address of a proxyAddresses value if its type is SMTP (any case),
 * else NULL (X400:, X500:, SIP:, ... are ignored). */
const char *proxy_smtp_address(const char *val);

/* Short server name of a home-server value into out: last cn= of an
 * X.500 path, the RDN before CN=Servers of a DN, or the value itself
 * (lower-cased). Returns 0, or -1 if empty or it did not fit. */
int home_server_name(const char *val, char *out, size_t size);

/* Lower-case an LDAP DN in place (ASCII only) for comparisons. */
void dn_fold(char *dn);

#endif
