/*
 * What every bwmon CGI shares: the request (method and query string,
 * checked against an allowlist of keys), the data directory (opened once;
 * files in it are opened relative to it, never through a symlink), the
 * interface and range parameters, and the response (status, headers and a
 * JSON or text body).  A CGI never writes a file.
 *
 * The cgi_fail() family and cgi_send*() answer the request and exit: a
 * CGI answers exactly once.
 */
#ifndef BW_CGI_H
#define BW_CGI_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "conf.h"
#include "datadir.h"
#include "eventlog.h"
#include "history.h"
#include "hosts.h"
#include "procs.h"
#include "util.h"

#define CGI_QUERY_MAX	256	/* longest QUERY_STRING accepted */
#define CGI_MAXKEYS	8	/* known keys of one endpoint */

/* How long a client may keep a response. */
enum cgi_cache {
	CGI_NOSTORE,	/* live data: Cache-Control: no-store */
	CGI_SHORT	/* history: Cache-Control: max-age=60 */
};

struct cgi {
	const char	*dir;		/* the data directory */
	int		 dirfd;
	int		 head;		/* HEAD: headers only */
	double		 now;
	const char	*keys[CGI_MAXKEYS + 1];	/* known keys, NULL-ended */
	const char	*vals[CGI_MAXKEYS];	/* their values, or NULL */
	char		 query[CGI_QUERY_MAX + 1];
	struct bw_conf	 conf;
	struct bw_ifaces ifs;		/* the interfaces with data */
	char		 iface[BW_IFNAMSIZ];	/* set by cgi_iface() */
};

/* A growable output buffer; on allocation failure the CGI answers 500. */
struct cgi_buf {
	char	*p;
	size_t	 len, cap;
};

void	cgi_init(struct cgi *, const char *const *);
int	cgi_parse_query(struct cgi *, const char *, char *, size_t);
const char *cgi_param(const struct cgi *, const char *);
void	cgi_iface(struct cgi *);
int64_t	cgi_range(struct cgi *, const char *, const char **);
void	cgi_hist_range(const struct cgi *, const struct bw_hist *, int64_t,
	    int64_t *, int64_t *);
void	cgi_event_range(const struct cgi *, int64_t, double *, double *);

int	cgi_open(const struct cgi *, enum bw_kind, const char *);
int	cgi_stat(const struct cgi *, enum bw_kind, const char *, int64_t *,
	    int64_t *);
int	cgi_history(struct cgi *, const char *, struct bw_hist *);
int	cgi_map_history(struct cgi *, const char *,
	    int (*)(const char *, size_t, void *), void *);
long long cgi_count_events(const struct cgi *, enum bw_kind, const char *,
	    int64_t, int64_t);
int	cgi_jsonl(const struct cgi *, enum bw_kind, const char *,
	    bw_jsonl_fn, void *, size_t *);
int	cgi_procs(const struct cgi *, const char *, struct bw_procs *);
int	cgi_live(const struct cgi *, const char *, struct bw_live *);
int	cgi_hosts(const struct cgi *, const char *, struct bw_lanhosts *);
const char *cgi_bwprocs_hint(const struct cgi *, enum bw_kind);
void	cgi_zone(const struct cgi *, char *, size_t, long *);
void	cgi_file_fail(struct cgi *, enum bw_kind, int, const char *)
	    __attribute__((noreturn));

void	cgi_fail(struct cgi *, int, const char *, const char *, ...)
	    __attribute__((noreturn, format(printf, 4, 5)));
void	cgi_send_json(struct cgi *, int, enum cgi_cache, json_t *)
	    __attribute__((noreturn));
void	cgi_send(struct cgi *, int, enum cgi_cache, const char *,
	    const char *, size_t) __attribute__((noreturn));
void	cgi_log(const char *, ...) __attribute__((format(printf, 1, 2)));

void	cgi_buf_reserve(struct cgi_buf *, size_t);
void	cgi_buf_add(struct cgi_buf *, const char *, size_t);
void	cgi_buf_printf(struct cgi_buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));

json_t	*cgi_rate(double);
json_t	*cgi_num(const json_t *);
json_t	*cgi_str(const json_t *);
void	 cgi_clean(json_t *);

#endif /* BW_CGI_H */
