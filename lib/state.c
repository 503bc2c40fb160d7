/*
 * bwcollect's state file: reading it back, writing it.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "fileio.h"
#include "history.h"
#include "state.h"

/*
 * The ts of a row as bwcollect writes it (six fields of digits, commas
 * and dots, no newline), or -1 when the text is not one.
 */
/*
 * The ts of a row as bwcollect writes it (six fields of digits, commas
 * and dots, no newline), or -1 when the text is not one.
 */
int64_t
bw_row_ts(const char *row, size_t len)
{
	char		buf[BW_ROW_MAX + 1];
	struct bw_hist	h;
	int64_t		ts = -1;

	if (len == 0 || len >= BW_ROW_MAX || strspn(row, "0123456789.,") != len)
		return -1;
	memcpy(buf, row, len);
	buf[len] = '\n';
	if (bw_hist_parse(buf, len + 1, &h) == 0 && h.n == 1 &&
	    !h.rows[0].v1)
		ts = h.rows[0].ts;
	bw_hist_free(&h);
	return ts;
}

/* Whether s is a boot_id as the kernel writes it: a UUID in lower case. */
int
bw_bootid_valid(const char *s, size_t len)
{
	size_t	i;

	if (len != BW_BOOTID_LEN)
		return 0;
	for (i = 0; i < len; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? s[i] != '-' :
		    !isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return 0;
	return 1;
}

/*
 * Read a state file.  1: read; 0: there is none; -1 with errno and e
 * filled: EINVAL when it is not a regular file, EBADMSG when it is
 * corrupt (e->text says how), else why it could not be read.
 */
int
bw_state_read(const char *path, struct bw_state *st, struct bw_error *e)
{
	json_t		*root, *v;
	json_error_t	 jerr;
	char		*buf;
	size_t		 len;
	json_int_t	 rx, tx;
	const char	*why = NULL;

	memset(st, 0, sizeof(*st));
	if (e != NULL)
		memset(e, 0, sizeof(*e));
	if (bw_read_file(path, BW_STATE_MAX, &buf, &len) == -1) {
		if (errno == ENOENT)
			return 0;
		if (e != NULL)
			(void)snprintf(e->text, sizeof(e->text), "%s",
			    strerror(errno));
		return -1;
	}
	root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	free(buf);
	if (root == NULL) {
		if (e != NULL) {
			e->line = jerr.line;
			(void)snprintf(e->text, sizeof(e->text), "line %d: %.120s",
			    jerr.line, jerr.text);
		}
		errno = EBADMSG;
		return -1;
	}
	if (!json_is_number(json_object_get(root, "ts")) ||
	    !json_is_integer(json_object_get(root, "rx")) ||
	    !json_is_integer(json_object_get(root, "tx")) ||
	    (rx = json_integer_value(json_object_get(root, "rx"))) < 0 ||
	    (tx = json_integer_value(json_object_get(root, "tx"))) < 0 ||
	    !isfinite(st->ts = json_number_value(json_object_get(root,
	    "ts"))) || st->ts < 0)
		why = "needs ts, rx and tx";
	else if ((v = json_object_get(root, "row")) != NULL &&
	    (!json_is_string(v) || json_string_length(v) >= sizeof(st->row) ||
	    bw_row_ts(json_string_value(v), json_string_length(v)) == -1))
		why = "a bad \"row\"";
	if (why != NULL) {
		if (e != NULL)
			(void)snprintf(e->text, sizeof(e->text), "%s", why);
		json_decref(root);
		memset(st, 0, sizeof(*st));
		errno = EBADMSG;
		return -1;
	}
	st->rx = (uint64_t)rx;
	st->tx = (uint64_t)tx;
	if (json_is_integer(v = json_object_get(root, "boot_time")))
		st->boot = json_integer_value(v);
	if (json_is_string(v = json_object_get(root, "boot_id")) &&
	    bw_bootid_valid(json_string_value(v), json_string_length(v)))
		memcpy(st->bootid, json_string_value(v), BW_BOOTID_LEN + 1);
	if (json_is_number(v = json_object_get(root, "trimmed")))
		st->trimmed = json_number_value(v);
	if ((v = json_object_get(root, "row")) != NULL)
		memcpy(st->row, json_string_value(v), json_string_length(v) + 1);
	json_decref(root);
	return 1;
}

/*
 * Replace the state.  The row and the boot_id, when there are any, hold
 * only digits, letters, commas, dots and dashes (bw_row_ts() and
 * bw_bootid_valid() checked them), so they need no JSON escaping.
 */

/*
 * Replace the state.  The row and the boot_id, when there are any, hold
 * only digits, letters, commas, dots and dashes (row_ts() and
 * bootid_valid() checked them), so they need no JSON escaping.
 */
int
bw_state_write(const char *path, const struct bw_state *st)
{
	char	buf[512];
	int	n;

	n = snprintf(buf, sizeof(buf), "{\"ts\": %.3f, \"rx\": %llu, "
	    "\"tx\": %llu, \"boot_time\": %lld, %s%s%s\"trimmed\": %.0f"
	    "%s%s%s}\n",
	    st->ts, (unsigned long long)st->rx, (unsigned long long)st->tx,
	    st->boot, st->bootid[0] != '\0' ? "\"boot_id\": \"" : "",
	    st->bootid, st->bootid[0] != '\0' ? "\", " : "", st->trimmed,
	    st->row[0] != '\0' ? ", \"row\": \"" : "", st->row,
	    st->row[0] != '\0' ? "\"" : "");
	if (n < 0 || (size_t)n >= sizeof(buf)) {
		errno = EOVERFLOW;
		return -1;
	}
	/*
	 * The directory is synced too: a state with a row is the commit
	 * point and must be on disk before the row, or a power cut could
	 * keep the row and lose the state, and the next run would count the
	 * row's interval again.
	 */
	return bw_write_atomic_sync(path, buf, (size_t)n, BW_SYNC_ALL);
}
