/*
 * callbacks.h - the filter description handed to smfi_register().
 */
#ifndef MILTER_CALLBACKS_H
#define MILTER_CALLBACKS_H

#include <libmilter/mfapi.h>

extern struct smfiDesc origin_milter_desc;

#endif
