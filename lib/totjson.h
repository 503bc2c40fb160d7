/*
 * The JSON document of one kind of period's totals: what bwtotal --json
 * prints and /api/totals serves for each kind, built in one place.
 */
#ifndef BW_TOTJSON_H
#define BW_TOTJSON_H

#include <stddef.h>

#include <jansson.h>

#include "totals.h"

json_t	*bw_totals_json(const char *, enum bw_period, int,
	    const struct bw_total *, size_t, const struct bw_total *);

#endif /* BW_TOTJSON_H */
