/*
 * libFuzzer harness for the CGIs' query string parser (cgi/cgi.c,
 * cgi_parse_query()); the input is a QUERY_STRING.  Besides what the
 * sanitizers catch, it checks the parser against the policy cgi.c
 * states, written again here as plainly as possible, and aborts when
 * they differ: on whether the query is refused, and on each key's value.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Every key some endpoint knows. */
static const char *const keys[] = { "iface", "range", "ts", "active",
    NULL };
#define NKEYS	4

struct value {
	const char	*p;	/* into the query; NULL: absent */
	size_t		 len;
};

static int
hex(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
	    (ch >= 'A' && ch <= 'F');
}

/*
 * The policy: at most CGI_QUERY_MAX bytes from '!' to '~'; '%' only
 * before two hex digits, and not "%00"; pairs split at '&', empty ones
 * skipped; a known key needs '=' and may come once; unknown keys are
 * ignored.  0 with each key's value in v[], or -1 when refused.
 */
static int
policy(const char *qs, size_t len, struct value *v)
{
	const char	*p, *e, *amp, *eq;
	size_t		 i, nlen;
	int		 k;

	memset(v, 0, NKEYS * sizeof(*v));
	if (len > CGI_QUERY_MAX)
		return -1;
	for (i = 0; i < len; i++) {
		if (qs[i] < '!' || qs[i] > '~')
			return -1;
		if (qs[i] == '%' && (i + 2 >= len || !hex(qs[i + 1]) ||
		    !hex(qs[i + 2]) || (qs[i + 1] == '0' && qs[i + 2] == '0')))
			return -1;
	}
	for (p = qs, e = qs + len; p <= e; p = amp + 1) {
		if ((amp = memchr(p, '&', (size_t)(e - p))) == NULL)
			amp = e;
		eq = memchr(p, '=', (size_t)(amp - p));
		nlen = (size_t)((eq != NULL ? eq : amp) - p);
		for (k = 0; keys[k] != NULL; k++)
			if (strlen(keys[k]) == nlen &&
			    memcmp(keys[k], p, nlen) == 0)
				break;
		if (amp == p || keys[k] == NULL)
			continue;
		if (eq == NULL || v[k].p != NULL)
			return -1;
		v[k].p = eq + 1;
		v[k].len = (size_t)(amp - eq - 1);
	}
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cgi	 c;
	struct value		 v[NKEYS];
	char			*qs, why[128];
	int			 k, rv;

	/* getenv() gives a NUL-terminated string, cut at the first NUL. */
	if ((qs = malloc(size + 1)) == NULL)
		return 0;
	memcpy(qs, data, size);
	qs[size] = '\0';
	memset(&c, 0, sizeof(c));
	for (k = 0; keys[k] != NULL; k++)
		c.keys[k] = keys[k];
	why[0] = '\0';
	rv = cgi_parse_query(&c, qs, why, sizeof(why));
	if (rv != policy(qs, strlen(qs), v))
		abort();
	if (rv == -1) {
		if (why[0] == '\0' || memchr(why, '\0', sizeof(why)) == NULL)
			abort();
	} else
		for (k = 0; keys[k] != NULL; k++)
			if ((c.vals[k] == NULL) != (v[k].p == NULL) ||
			    (v[k].p != NULL && (strlen(c.vals[k]) !=
			    v[k].len || memcmp(c.vals[k], v[k].p,
			    v[k].len) != 0)))
				abort();
	free(qs);
	return 0;
}
