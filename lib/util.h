/*
 * Small helpers every bwmon program shares: argument validation, number
 * parsing, the clock and the overridable paths to the outside world.
 */
#ifndef BW_UTIL_H
#define BW_UTIL_H

#include <stddef.h>
#include <stdint.h>

#define BW_VERSION		"2.0.0"
#define BW_DEFAULT_DATADIR	"/var/lib/bwmon"
#define BW_DEFAULT_CONF		"/etc/bwmon/bwmon.conf"
#define BW_DEFAULT_PROC		"/proc"
#define BW_DEFAULT_USER		"bwmon"	/* bwprocs runs as it */
#define BW_IFNAMSIZ		16	/* as IFNAMSIZ: 15 bytes and a NUL */

struct bw_error {
	char	file[256];
	int	line;
	char	text[160];
};

int		 bw_ifname_valid(const char *);
int		 bw_name_chars(const char *);
void		*bw_grow(void *, size_t, size_t *, size_t, size_t);
int		 bw_parse_ll(const char *, long long, long long, long long *);
int		 bw_parse_u64(const char *, uint64_t *);
int		 bw_parse_double(const char *, double, double, double *);
int		 bw_parse_rate(const char *, double, double, double *);
int		 bw_parse_when(const char *, int64_t *);
double		 bw_now(void);
double		 bw_mono(void);
const char	*bw_datadir(const char *);
const char	*bw_procdir(void);
int		 bw_path(char *, size_t, const char *, const char *,
		    const char *, const char *);

#endif /* BW_UTIL_H */
