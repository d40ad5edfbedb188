/*
 * ldap_conf.h - the "ldap" section of policy.conf (libconfuse table,
 * validators, and conversion into struct ldap_opts for the backend).
 */
#ifndef CONF_LDAP_CONF_H
#define CONF_LDAP_CONF_H

#include <stddef.h>
#include <confuse.h>

/* Options of section "ldap" in policy.conf. */
extern cfg_opt_t ldap_conf_opts[];

/* Install cfg_set_validate_func for the "ldap|..." keys of cfg (the
 * top-level configuration); errors go through cfg_error (file:line). */
void ldap_conf_set_validators(cfg_t *cfg);

struct ldap_opts; /* defined in policy/directory/ldap/dir_ldap.h */

/* Options from a parsed "ldap" section; NULL with a message on error
 * (e.g. an unreadable bind_password_file). Free with ldap_opts_release
 * (ldap_opts.h). */
struct ldap_opts *ldap_opts_from_cfg(cfg_t *ldap_sec, char *err,
				     size_t errsz);

#endif
