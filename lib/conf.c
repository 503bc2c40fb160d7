/*
 * Table-driven configuration parser.  A bad line is reported through the
 * caller's warn function with file:line and never stops the program.
 * Which file is read follows one rule for every program and CGI
 * (bw_conf_path()).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "eventlog.h"
#include "fileio.h"
#include "util.h"

#define CONF_MAX	(1 << 20)

enum conf_type {
	CONF_INT, CONF_INT_OFF, CONF_DOUBLE, CONF_RATE, CONF_IFACE, CONF_IFLIST,
	CONF_PATTERNS, CONF_NAMES, CONF_BITS, CONF_STRING, CONF_USER,
	CONF_SWITCH, CONF_TRI
};

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	double		 min, max;
};

static const struct conf_key keys[] = {
	{ "alert_bps", CONF_RATE, offsetof(struct bw_conf, alert_bps),
	    1e3, 1e13 },
	{ "alert_clear_hold", CONF_INT,
	    offsetof(struct bw_conf, alert_clear_hold), 1, 3600 },
	{ "alert_clear_ratio", CONF_DOUBLE,
	    offsetof(struct bw_conf, alert_clear_ratio), 0.1, 1 },
	{ "alert_command", CONF_STRING,
	    offsetof(struct bw_conf, alert_command), 0,
	    sizeof(((struct bw_conf *)0)->alert_command) },
	{ "alert_command_timeout", CONF_INT,
	    offsetof(struct bw_conf, alert_command_timeout), 1, 3600 },
	{ "alert_env", CONF_STRING, offsetof(struct bw_conf, alert_env), 0,
	    sizeof(((struct bw_conf *)0)->alert_env) },
	{ "alert_user", CONF_USER, offsetof(struct bw_conf, alert_user), 0,
	    sizeof(((struct bw_conf *)0)->alert_user) },
	{ "alert_window", CONF_INT, offsetof(struct bw_conf, alert_window),
	    5, 3600 },
	{ "bpf", CONF_TRI, offsetof(struct bw_conf, bpf), 0, 0 },
	{ "capture", CONF_SWITCH, offsetof(struct bw_conf, capture), 0, 0 },
	{ "capture_buffer_mb", CONF_INT,
	    offsetof(struct bw_conf, capture_buffer_mb), 1, 2048 },
	{ "counter_bits", CONF_BITS, offsetof(struct bw_conf, counter_bits),
	    0, 0 },
	{ "dhcp_leases", CONF_STRING, offsetof(struct bw_conf, dhcp_leases),
	    0, sizeof(((struct bw_conf *)0)->dhcp_leases) },
	{ "events_max_mb", CONF_INT, offsetof(struct bw_conf, events_max_mb),
	    1, BW_EVENTS_MAX_MB },
	{ "events_retention_days", CONF_INT,
	    offsetof(struct bw_conf, events_retention_days), 1, 3650 },
	{ "hosts_top", CONF_INT, offsetof(struct bw_conf, hosts_top), 1,
	    1000 },
	{ "iface", CONF_IFACE, offsetof(struct bw_conf, iface), 0, 0 },
	{ "ifaces", CONF_IFLIST, 0, 0, 0 },
	{ "ifaces_ignore", CONF_PATTERNS,
	    offsetof(struct bw_conf, ifaces_ignore), 0,
	    sizeof(((struct bw_conf *)0)->ifaces_ignore) },
	{ "lan_ifaces", CONF_NAMES, offsetof(struct bw_conf, lan_ifaces), 0,
	    sizeof(((struct bw_conf *)0)->lan_ifaces) },
	{ "lookup_rate", CONF_INT, offsetof(struct bw_conf, lookup_rate),
	    10, 1000000 },
	{ "max_bps", CONF_RATE, offsetof(struct bw_conf, max_bps),
	    1e3, 1e13 },
	{ "max_connections", CONF_INT,
	    offsetof(struct bw_conf, max_connections), 1000, 10000000 },
	{ "max_flows_per_spike", CONF_INT,
	    offsetof(struct bw_conf, max_flows_per_spike), 0, 1000 },
	{ "metrics_programs", CONF_INT,
	    offsetof(struct bw_conf, metrics_programs), 1, 1000 },
	{ "month_start_day", CONF_INT,
	    offsetof(struct bw_conf, month_start_day), 1, 28 },
	{ "owners_interval", CONF_INT_OFF,
	    offsetof(struct bw_conf, owners_interval), 10, 86400 },
	{ "owners_top", CONF_INT, offsetof(struct bw_conf, owners_top),
	    1, 1000 },
	{ "procs_interval", CONF_INT,
	    offsetof(struct bw_conf, procs_interval), 1, 60 },
	{ "procs_linger", CONF_INT,
	    offsetof(struct bw_conf, procs_linger), 0, 3600 },
	{ "retention_days", CONF_INT,
	    offsetof(struct bw_conf, retention_days), 1, 3650 },
	{ "router", CONF_TRI, offsetof(struct bw_conf, router), 0, 0 },
	{ "spike_cooldown", CONF_INT,
	    offsetof(struct bw_conf, spike_cooldown), 0, 86400 },
	{ "spike_floor_bps", CONF_RATE,
	    offsetof(struct bw_conf, spike_floor_bps), 0, 1e13 },
	{ "spike_ratio", CONF_DOUBLE, offsetof(struct bw_conf, spike_ratio),
	    1.5, 1000 },
	{ "spike_window", CONF_INT, offsetof(struct bw_conf, spike_window),
	    10, 3600 },
	{ "top_connections", CONF_INT,
	    offsetof(struct bw_conf, top_connections), 0, 1000 },
	{ "user", CONF_USER, offsetof(struct bw_conf, user), 0,
	    sizeof(((struct bw_conf *)0)->user) },
};

void
bw_conf_init(struct bw_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->retention_days = 180;
	c->month_start_day = 1;
	(void)strcpy(c->ifaces_ignore, "veth*");
	c->max_bps = 100e9;
	c->procs_interval = 2;
	c->procs_linger = 60;
	c->top_connections = 50;
	c->max_connections = 100000;
	c->capture_buffer_mb = 64;
	c->lookup_rate = 2000;
	c->bpf = BW_TRI_AUTO;
	c->spike_ratio = 5;
	c->spike_window = 120;
	c->spike_floor_bps = 1e6;
	c->spike_cooldown = 30;
	c->max_flows_per_spike = 50;
	c->alert_bps = 40e6;
	c->alert_window = 300;
	c->alert_clear_ratio = 0.8;
	c->alert_clear_hold = 30;
	c->alert_command_timeout = 30;
	c->events_retention_days = 180;
	c->events_max_mb = 64;
	c->owners_interval = 300;
	c->owners_top = 20;
	c->metrics_programs = 50;
	/* user stays "": bwmon, where it may write the data directory. */
	(void)strcpy(c->alert_user, "nobody");
	c->router = BW_TRI_AUTO;
	c->capture = 1;
	c->hosts_top = 50;
}

/* A user name: letters, digits, '_', '.', '-', not starting with '-'. */
static int
user_valid(const char *v, size_t size)
{
	size_t	n = strlen(v);

	if (n == 0 || n >= size || v[0] == '-')
		return 0;
	return bw_name_chars(v);
}

/*
 * Tell warn (when not NULL) of a problem at file:line; for the other
 * parsers of files people write (lib/hosts.c's names), too.
 */
void
bw_conf_warnf(bw_conf_warn_fn warn, const char *file, int line,
    const char *fmt, ...)
{
	struct bw_error	e;
	va_list		ap;

	if (warn == NULL)
		return;
	memset(&e, 0, sizeof(e));
	(void)snprintf(e.file, sizeof(e.file), "%s", file);
	e.line = line;
	va_start(ap, fmt);
	(void)vsnprintf(e.text, sizeof(e.text), fmt, ap);
	va_end(ap);
	warn(&e);
}

static char *
trim(char *s)
{
	char	*e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/*
 * "ifaces": valid interface names separated by blanks or commas, kept as
 * one ' '-separated string (bw_conf_ifaces() walks it).
 */
static int
set_iflist(struct bw_conf *c, char *v)
{
	char	*tok, *save = NULL;
	char	 list[sizeof(c->ifaces)];
	size_t	 len = 0, n;
	int	 count = 0;

	list[0] = '\0';
	for (tok = strtok_r(v, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		n = strlen(tok);
		if (!bw_ifname_valid(tok) || len + n + 2 > sizeof(list))
			return -1;
		if (len > 0)
			list[len++] = ' ';
		memcpy(list + len, tok, n + 1);
		len += n;
		count++;
	}
	memcpy(c->ifaces, list, len + 1);
	c->nifaces = count;
	return 0;
}

/*
 * The next name of the "ifaces" list after *pos (0 to start) into
 * name[BW_IFNAMSIZ]; 0 at the end.
 */
int
bw_conf_ifaces(const struct bw_conf *c, size_t *pos, char *name)
{
	const char	*p = c->ifaces + *pos;
	size_t		 n;

	while (*p == ' ')
		p++;
	if (*p == '\0')
		return 0;
	n = strcspn(p, " ");
	if (n >= BW_IFNAMSIZ)
		return 0;	/* set_iflist() let none through */
	memcpy(name, p, n);
	name[n] = '\0';
	*pos = (size_t)(p + n - c->ifaces);
	return 1;
}

/*
 * fnmatch(3) patterns of interface names (or, names, plain names),
 * blank- or comma-separated.
 */
static int
set_patterns(char *dst, size_t size, char *v, int names)
{
	char	*tok, *save = NULL, list[256];
	size_t	 len = 0, n;

	if (size > sizeof(list))
		size = sizeof(list);
	list[0] = '\0';
	for (tok = strtok_r(v, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		n = strspn(tok, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-*?[]!");
		if (tok[n] != '\0' || len + n + 2 > size ||
		    (names && !bw_ifname_valid(tok)))
			return -1;
		if (len > 0)
			list[len++] = ' ';
		memcpy(list + len, tok, n + 1);
		len += n;
	}
	memcpy(dst, list, len + 1);
	return 0;
}

static int
set_value(struct bw_conf *c, const struct conf_key *k, char *v)
{
	long long	 ll;
	double		 d;
	char		*p = (char *)c + k->off;

	switch (k->type) {
	case CONF_INT:
		if (bw_parse_ll(v, (long long)k->min, (long long)k->max,
		    &ll) == -1)
			return -1;
		*(int *)(void *)p = (int)ll;
		return 0;
	case CONF_INT_OFF:
		/* 0 turns the feature off; else within the range. */
		if (bw_parse_ll(v, 0, (long long)k->max, &ll) == -1 ||
		    (ll != 0 && ll < (long long)k->min))
			return -1;
		*(int *)(void *)p = (int)ll;
		return 0;
	case CONF_DOUBLE:
	case CONF_RATE:
		if ((k->type == CONF_RATE ? bw_parse_rate(v, k->min, k->max,
		    &d) : bw_parse_double(v, k->min, k->max, &d)) == -1)
			return -1;
		*(double *)(void *)p = d;
		return 0;
	case CONF_IFACE:
		if (!bw_ifname_valid(v))
			return -1;
		(void)strcpy(p, v);
		return 0;
	case CONF_IFLIST:
		return set_iflist(c, v);
	case CONF_PATTERNS:
	case CONF_NAMES:
		return set_patterns(p, (size_t)k->max, v,
		    k->type == CONF_NAMES);
	case CONF_SWITCH:
	case CONF_TRI:
		if (strcmp(v, "on") == 0)
			*(int *)(void *)p = BW_TRI_ON;
		else if (strcmp(v, "off") == 0)
			*(int *)(void *)p = BW_TRI_OFF;
		else if (k->type == CONF_TRI && strcmp(v, "auto") == 0)
			*(int *)(void *)p = BW_TRI_AUTO;
		else
			return -1;
		return 0;
	case CONF_STRING:
		/* max is the buffer's size. */
		if (strlen(v) >= (size_t)k->max)
			return -1;
		(void)strcpy(p, v);
		return 0;
	case CONF_USER:
		if (!user_valid(v, (size_t)k->max))
			return -1;
		(void)strcpy(p, v);
		return 0;
	case CONF_BITS:
		if (strcmp(v, "auto") == 0)
			*(int *)(void *)p = 0;
		else if (strcmp(v, "32") == 0 || strcmp(v, "64") == 0)
			*(int *)(void *)p = atoi(v);
		else
			return -1;
		return 0;
	}
	return -1;
}

/* A rate bound the way the file may spell it: 0, 1k, 10T. */
static void
fmt_si(char *buf, size_t size, double v)
{
	static const char	 prefix[] = "TGMk";
	static const double	 mul[] = { 1e12, 1e9, 1e6, 1e3 };
	size_t			 i;

	for (i = 0; i < sizeof(mul) / sizeof(mul[0]); i++)
		if (v >= mul[i]) {
			(void)snprintf(buf, size, "%g%c", v / mul[i],
			    prefix[i]);
			return;
		}
	(void)snprintf(buf, size, "%g", v);
}

/* What a key accepts, for the warning about a value it rejected. */
static void
valid_range(const struct conf_key *k, char *buf, size_t size)
{
	char	lo[16], hi[16];

	switch (k->type) {
	case CONF_INT:
		(void)snprintf(buf, size, "%.0f-%.0f", k->min, k->max);
		return;
	case CONF_INT_OFF:
		(void)snprintf(buf, size, "0 (off) or %.0f-%.0f", k->min,
		    k->max);
		return;
	case CONF_DOUBLE:
		(void)snprintf(buf, size, "%g-%g", k->min, k->max);
		return;
	case CONF_RATE:
		fmt_si(lo, sizeof(lo), k->min);
		fmt_si(hi, sizeof(hi), k->max);
		(void)snprintf(buf, size, "%s-%s bit/s", lo, hi);
		return;
	case CONF_IFACE:
		(void)snprintf(buf, size, "1-15 letters, digits, '.', '_', "
		    "'-'");
		return;
	case CONF_IFLIST:
		(void)snprintf(buf, size, "interface names");
		return;
	case CONF_PATTERNS:
		(void)snprintf(buf, size, "patterns of letters, digits and "
		    "._-*?[]!");
		return;
	case CONF_NAMES:
		(void)snprintf(buf, size, "interface names");
		return;
	case CONF_SWITCH:
		(void)snprintf(buf, size, "on or off");
		return;
	case CONF_BITS:
		(void)snprintf(buf, size, "auto, 32 or 64");
		return;
	case CONF_TRI:
		(void)snprintf(buf, size, "auto, on or off");
		return;
	case CONF_STRING:
		(void)snprintf(buf, size, "under %.0f bytes", k->max);
		return;
	case CONF_USER:
		(void)snprintf(buf, size, "a user name: letters, digits, "
		    "'.', '_', '-'");
		return;
	}
	buf[0] = '\0';
}

/* Parse text (NUL-terminated) as if read from file. Returns 0. */
int
bw_conf_parse(struct bw_conf *c, const char *file, const char *text,
    bw_conf_warn_fn warn)
{
	/* The longest line holds a full "ifaces" list. */
	char		 buf[BW_IFLIST_MAX + 256], *line, *key, *val, *eq;
	char		*hash, range[80];
	const char	*p = text, *nl;
	size_t		 i, len;
	int		 lineno = 0;

	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len >= sizeof(buf)) {
			bw_conf_warnf(warn, file, lineno, "line too long");
			goto next;
		}
		memcpy(buf, p, len);
		buf[len] = '\0';
		/* A comment starts as in sh(1): at a word's start. */
		for (hash = buf; (hash = strchr(hash, '#')) != NULL; hash++)
			if (hash == buf || hash[-1] == ' ' || hash[-1] == '\t') {
				*hash = '\0';
				break;
			}
		line = trim(buf);
		if (*line == '\0')
			goto next;
		if ((eq = strchr(line, '=')) == NULL) {
			bw_conf_warnf(warn, file, lineno,
			    "expected \"key = value\": %.60s", line);
			goto next;
		}
		*eq = '\0';
		key = trim(line);
		val = trim(eq + 1);
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (strcmp(keys[i].name, key) == 0)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			bw_conf_warnf(warn, file, lineno, "unknown key \"%.40s\"",
			    key);
		else if (set_value(c, &keys[i], val) == -1) {
			valid_range(&keys[i], range, sizeof(range));
			bw_conf_warnf(warn, file, lineno, "bad value for %s: \"%.40s\" "
			    "(must be %s), default kept", key, val, range);
		}
next:
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

/*
 * Read the whole file.  Unlike a data file, a configuration may be a
 * symbolic link (configuration management makes them) and need not be a
 * regular file: /dev/null is an empty configuration, and a pipe works.
 */
static int
read_text(const char *path, char **textp)
{
	size_t	len;
	int	fd, rv, saved;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	rv = bw_read_all(fd, 4096, CONF_MAX, textp, &len);
	saved = errno;
	(void)close(fd);
	errno = saved;
	return rv;
}

/*
 * Which configuration file to read, the same way in every program and
 * CGI: the -c argument (opt, NULL when not given), else $BWMON_CONF when
 * set, else BW_DEFAULT_CONF.  An empty name ("-c ''", "BWMON_CONF=")
 * reads none: NULL, the defaults.  *named is 1 for a file named by -c or
 * BWMON_CONF, which must then be readable; the default file may be
 * absent.
 */
const char *
bw_conf_path(const char *opt, int *named)
{
	const char	*s = opt != NULL ? opt : getenv("BWMON_CONF");

	*named = s != NULL;
	if (s == NULL)
		return BW_DEFAULT_CONF;
	return *s != '\0' ? s : NULL;
}

/*
 * Read path (NULL: none) over the values in c.  0 when it was read, or
 * is the default file and absent; -1 with errno when it cannot be read.
 * Bad lines only warn.
 */
int
bw_conf_load(struct bw_conf *c, const char *path, int named,
    bw_conf_warn_fn warn)
{
	char	*text;

	if (path == NULL)
		return 0;
	if (read_text(path, &text) == -1)
		return errno == ENOENT && !named ? 0 : -1;
	(void)bw_conf_parse(c, path, text, warn);
	free(text);
	return 0;
}

/*
 * The defaults, then the file bw_conf_path() picks; *pathp (may be NULL)
 * gets its name for messages, NULL when there is none.  0, or -1 with
 * errno when a file that counts cannot be read.
 */
int
bw_conf_read(struct bw_conf *c, const char *opt, bw_conf_warn_fn warn,
    const char **pathp)
{
	const char	*path;
	int		 named;

	bw_conf_init(c);
	path = bw_conf_path(opt, &named);
	if (pathp != NULL)
		*pathp = path;
	return bw_conf_load(c, path, named, warn);
}
