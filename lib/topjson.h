/*
 * Who moved an interface's bytes over a window (bw_owners_top()) as
 * JSON: the one document /api/top answers and bwtotal --by and
 * bwhistory --by print with --json.
 */
#ifndef BW_TOPJSON_H
#define BW_TOPJSON_H

#include <jansson.h>

#include "owners.h"

json_t	*bw_top_json(const char *, enum bw_by, const struct bw_top *);
json_t	*bw_topseries_json(const struct bw_top *,
	    const struct bw_topseries *);

#endif /* BW_TOPJSON_H */
