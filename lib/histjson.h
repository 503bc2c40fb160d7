/*
 * The history of one interface as a JSON document: what bwhistory
 * --json prints and the web's /api/history serves, built in one place so
 * that both say the same.  Nothing here prints.
 */
#ifndef BW_HISTJSON_H
#define BW_HISTJSON_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "history.h"

#define BW_JSON_POINTS	3000	/* most buckets a document holds */

/* Dump flags that print the rounded rates without binary noise. */
#define BW_JSON_DUMPFLAGS	(JSON_COMPACT | JSON_REAL_PRECISION(15))

struct bw_histinfo {
	const char	*iface;
	const char	*range;		/* "24h", "all", ... */
	size_t		 skipped;	/* bad lines in the whole file */
	long long	 spikes;	/* in the range; -1: no log */
	long long	 alerts;	/* FIRED events; -1: no log */
};

int64_t	 bw_json_step(int64_t);
json_t	*bw_hist_json(const struct bw_series *, const struct bw_histinfo *);

#endif /* BW_HISTJSON_H */
