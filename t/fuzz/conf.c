/*
 * libFuzzer harness for the configuration parser (lib/conf.c,
 * bw_conf_parse()); the input is a bwmon.conf.  Besides what the
 * sanitizers catch, it aborts when a warning does not fit its struct or
 * a value that the parser took lies outside what bwmon.conf(5) allows.
 *
 * Built by make fuzz; t/9002-fuzz.t runs it briefly, bench/fuzz.sh
 * longer.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int	lastline;

/* Warnings come line by line, each a file:line and a text that fit. */
static void
warn_cb(const struct bw_error *e)
{
	if (memchr(e->file, '\0', sizeof(e->file)) == NULL ||
	    memchr(e->text, '\0', sizeof(e->text)) == NULL ||
	    strcmp(e->file, "fuzz.conf") != 0 || e->line <= lastline ||
	    e->text[0] == '\0')
		abort();
	lastline = e->line;
}

static void
in(double v, double min, double max)
{
	if (!(v >= min && v <= max))
		abort();
}

static void
check(const struct bw_conf *c)
{
	char	name[BW_IFNAMSIZ];
	size_t	pos = 0;
	int	n = 0;

	if (memchr(c->ifaces, '\0', sizeof(c->ifaces)) == NULL ||
	    memchr(c->ifaces_ignore, '\0', sizeof(c->ifaces_ignore)) == NULL)
		abort();
	for (; bw_conf_ifaces(c, &pos, name); n++)
		if (!bw_ifname_valid(name))
			abort();
	if (n != c->nifaces)
		abort();
	if (c->iface[0] != '\0' && !bw_ifname_valid(c->iface))
		abort();
	if (memchr(c->alert_command, '\0', sizeof(c->alert_command)) == NULL)
		abort();
	if (c->counter_bits != 0 && c->counter_bits != 32 &&
	    c->counter_bits != 64)
		abort();
	in(c->retention_days, 1, 3650);
	in(c->month_start_day, 1, 28);
	in(c->max_bps, 1e3, 1e13);
	in(c->procs_interval, 1, 60);
	in(c->procs_linger, 0, 3600);
	in(c->top_connections, 0, 1000);
	in(c->max_connections, 1000, 10000000);
	in(c->capture_buffer_mb, 1, 2048);
	in(c->lookup_rate, 10, 1000000);
	in(c->spike_ratio, 1.5, 1000);
	in(c->spike_window, 10, 3600);
	in(c->spike_floor_bps, 0, 1e13);
	in(c->spike_cooldown, 0, 86400);
	in(c->max_flows_per_spike, 0, 1000);
	in(c->alert_bps, 1e3, 1e13);
	in(c->alert_window, 5, 3600);
	in(c->alert_clear_ratio, 0.1, 1);
	in(c->alert_clear_hold, 1, 3600);
	in(c->alert_command_timeout, 1, 3600);
	in(c->events_retention_days, 1, 3650);
	in(c->events_max_mb, 1, 4096);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_conf	 c;
	char		*text;

	/* The parser takes a NUL-terminated text, as bw_read_file() gives. */
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	bw_conf_init(&c);
	check(&c);
	lastline = 0;
	if (bw_conf_parse(&c, "fuzz.conf", text, warn_cb) != 0)
		abort();
	check(&c);
	free(text);
	return 0;
}
