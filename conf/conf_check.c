/*
 * conf_check.c - value checks shared by the sections of policy.conf.
 */
#include "conf_check.h"

/* An integer option within [lo, hi]. */
int
conf_check_range(cfg_t *cfg, cfg_opt_t *opt, long lo, long hi)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v >= lo && v <= hi)
		return 0;
	cfg_error(cfg, "%s = %ld: must be between %ld and %ld", opt->name, v,
	          lo, hi);
	return -1;
}
