/*
 * ldap_opts.h - copy and free struct ldap_opts (see dir_ldap.h).
 *
 * The directory keeps its own deep copy of the options, so a configuration
 * snapshot can be freed independently of a directory still in use.
 */
#ifndef POLICY_LDAP_OPTS_H
#define POLICY_LDAP_OPTS_H

#include "dir_ldap.h"

/* Deep copy; NULL when out of memory. */
struct ldap_opts *ldap_opts_copy(const struct ldap_opts *o);
/* Free a deep copy (or any options whose strings are all heap). */
void ldap_opts_release(struct ldap_opts *o);
/* Free a heap vector of n strings. */
void strv_free(char **v, size_t n);

#endif
