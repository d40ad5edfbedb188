/*
 * stats.h - counters per verdict and reason, decision latency and cache
 * hits; written in Prometheus text format to stats_file and logged on
 * SIGUSR2. Counting is lock-free (atomic adds, in per-thread shards).
 */
#ifndef MILTER_STATS_H
#define MILTER_STATS_H

#include <stdint.h>

#include "verdict.h"

/* A verdict that took effect: counted once per message, where it was
 * applied (a header From refusal replaces the envelope's acceptance, it is
 * not counted on top of it). report_rule >= 0: the refusal was only
 * reported (mode report), counted as action "would_reject" and per rule
 * instead. */
void stats_verdict(const struct verdict *v, int report_rule);
/* One envelope decision: latency histogram and cache counters. */
void stats_decision(const struct verdict *v, uint64_t decide_ns);
void stats_connection(void);
/* Write the Prometheus text file (atomically); 0 or -1. */
int stats_write(const char *path);
/* Log the counters as one event line. */
void stats_log(void);

#endif
