/*
 * conf_check.h - value checks shared by the sections of policy.conf
 * (config.c, ldap_conf.c); each reports through cfg_error, so the message
 * names FILE:LINE.
 */
#ifndef CONF_CONF_CHECK_H
#define CONF_CONF_CHECK_H

#include <confuse.h>

/* Validator body: the integer option is within [lo, hi]; 0, or -1 with
 * "KEY = V: must be between LO and HI". */
int conf_check_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi);

#endif
