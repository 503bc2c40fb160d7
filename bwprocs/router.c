/*
 * Router mode: per-LAN-host counters kept by the kernel, read once a
 * second.  The table "inet bwmon_hosts_<if>" holds four dynamic sets
 * with a counter per element, fed from a forward-hook chain on the LAN
 * side, where masquerade on the WAN has not hidden the addresses yet:
 * a packet that comes in on the LAN interface counts for its source
 * (the device sent it: tx), one that goes out on it for its destination
 * (received: rx).  The sets count packets, not flows, so a flow that
 * began before bwprocs counts from its next byte.  Only unicast
 * counts: not the unspecified, link-local and multicast addresses that
 * DHCP and neighbour discovery use.  A flow offloaded to an nftables
 * flowtable skips the forward hook after the hand-over, so while a
 * flowtable is in use the forwarded flows are counted from their
 * conntrack counters (offload.c), once a second, and the sets count only
 * the packets conntrack does not (untracked, invalid, or of a flow
 * begun with accounting off).
 */
#include <sys/socket.h>
#include <sys/stat.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <nftables/libnftables.h>

#include "conf.h"
#include "datadir.h"
#include "fileio.h"
#include "hosts.h"
#include "log.h"
#include "offload.h"
#include "router.h"
#include "totals.h"
#include "util.h"

#define HOUR		3600
#define NEIGH_BUF	(64 * 1024)
#define LAN_NETS	256		/* networks routed to the LAN kept */
#define LOCALS		512		/* the router's own addresses kept */
#define CT_ADDRS	65536		/* addresses conntrack may add */

/* A network routed to the LAN, or one of the router's own addresses. */
struct lan_net {
	int		family;
	uint8_t		addr[16];
	uint8_t		mask[16];
};

/* A names file, to read it again when it changes. */
struct watched {
	const char	*path;
	struct stat	 st;
	int		 exists;
};

struct router {
	const char		*dir, *iface;
	char			 table[64];	/* bwmon_hosts_<if> */
	char			 live_path[4096], log_path[4096];
	struct bw_pubfile	 live;
	int			 live_open;
	struct nft_ctx		*nft;
	int			 ifindex;
	int			 interval, retention;
	struct bw_hostset	 addrs;		/* by address: mac, counters */
	struct bw_hostset	 devs;		/* by id: totals, rates */
	struct bw_hostset	 ival;		/* by id: this interval */
	int64_t			 start;		/* the interval's */
	int64_t			 rolled;	/* the hour last rolled */
	int64_t			 trimmed;	/* the day last trimmed */
	double			 last_m;
	struct bw_names		 names;
	struct bw_name_files	 files;
	struct watched		 watch[3];
	char			 leases[256];
	char			 offload[128];	/* "": none */
	int			 test;		/* BWMON_OFFLOAD_TEST */
	struct offload		*ofl;		/* reads conntrack */
	int			 ctmode;	/* conntrack counts: ofl open */
	int			 counted;	/* offload counted: the file */
	int			 nocounter;	/* a flowtable lacks counter */
	int			 full;		/* CT_ADDRS reached, said */
	char			 ofl_why[256];	/* why not counted */
	char			 read_why[256];	/* a read's trouble */
	struct lan_net		 nets[LAN_NETS];
	size_t			 nnets;
	struct lan_net		 locals[LOCALS];
	size_t			 nlocals;
	int			 write_err;
};

/* ---- nftables ---- */

/* Run cmd; with json, its output is nft's JSON.  NULL and logged: failed. */
static const char *
nft_run(struct router *r, const char *cmd, int json)
{
	const char	*e;

	nft_ctx_output_set_flags(r->nft, json ? NFT_CTX_OUTPUT_JSON : 0);
	if (nft_run_cmd_from_buffer(r->nft, cmd) != 0) {
		e = nft_ctx_get_error_buffer(r->nft);
		log_warnx("%s: nft: %.200s", r->iface, e != NULL ? e : "?");
		return NULL;
	}
	return nft_ctx_get_output_buffer(r->nft);
}

/*
 * The table, made anew (delete and add in one transaction): counting
 * starts at zero, and the totals go on from the previous live file.
 */
static int
table_setup(struct router *r)
{
	char	cmd[2048];

	(void)snprintf(cmd, sizeof(cmd),
	    "add table inet %s\n"
	    "delete table inet %s\n"
	    "table inet %s {\n"
	    " set tx4 { type ipv4_addr; size 65535; flags dynamic; counter; }\n"
	    " set rx4 { type ipv4_addr; size 65535; flags dynamic; counter; }\n"
	    " set tx6 { type ipv6_addr; size 65535; flags dynamic; counter; }\n"
	    " set rx6 { type ipv6_addr; size 65535; flags dynamic; counter; }\n"
	    " chain forward {\n"
	    "  type filter hook forward priority -150; policy accept;\n"
	    "  ip saddr 0.0.0.0 return\n"
	    "  ip daddr { 224.0.0.0/4, 255.255.255.255 } return\n"
	    "  ip6 saddr { ::, fe80::/10, ff00::/8 } return\n"
	    "  ip6 daddr { fe80::/10, ff00::/8 } return\n"
	    "%s"
	    "  iifname \"%s\" meta nfproto ipv4 update @tx4 { ip saddr }\n"
	    "  oifname \"%s\" meta nfproto ipv4 update @rx4 { ip daddr }\n"
	    "  iifname \"%s\" meta nfproto ipv6 update @tx6 { ip6 saddr }\n"
	    "  oifname \"%s\" meta nfproto ipv6 update @rx6 { ip6 daddr }\n"
	    " }\n"
	    "}\n", r->table, r->table, r->table,
	    /* Conntrack counts a flow with counters; the sets the rest. */
	    r->ctmode ? "  ct bytes != 0 return\n" : "", r->iface, r->iface,
	    r->iface, r->iface);
	return nft_run(r, cmd, 0) != NULL ? 0 : -1;
}

static void
table_remove(struct router *r)
{
	char	cmd[256];

	(void)snprintf(cmd, sizeof(cmd), "delete table inet %s\n", r->table);
	(void)nft_run(r, cmd, 0);
}

/*
 * Whether a rule of the ruleset a adds flows to the flowtable name of
 * table ("flow add @ft": {"flow": {"op": "add", "flowtable": "@ft"}}).
 */
static int
flowtable_used(json_t *a, const char *table, const char *name)
{
	json_t		*e, *rule, *x, *flow;
	const char	*ft, *t;
	size_t		 i, k;

	json_array_foreach(a, i, e) {
		if (!json_is_object(rule = json_object_get(e, "rule")) ||
		    (t = json_string_value(json_object_get(rule,
		    "table"))) == NULL || strcmp(t, table) != 0)
			continue;
		json_array_foreach(json_object_get(rule, "expr"), k, x) {
			if (!json_is_object(flow = json_object_get(x, "flow")) ||
			    (ft = json_string_value(json_object_get(flow,
			    "flowtable"))) == NULL)
				continue;
			if (*ft == '@')
				ft++;
			if (strcmp(ft, name) == 0)
				return 1;
		}
	}
	return 0;
}

/*
 * The flowtable name of table family/table in the text listing of a
 * ruleset (nft list ruleset): bit 1 when its flags say offload, bit 2
 * when it has the counter flag (each on a line of its own in the
 * block); -1 when the listing does not have it.
 */
static int
ft_text_flags(const char *text, const char *family, const char *table,
    const char *name)
{
	const char	*p, *eol;
	char		 line[256], w1[64], w2[64], w3[64];
	int		 in_table = 0, in_ft = 0, flags = -1;
	size_t		 len;

	for (p = text; *p != '\0'; p = *eol != '\0' ? eol + 1 : eol) {
		if ((eol = strchr(p, '\n')) == NULL)
			eol = p + strlen(p);
		len = (size_t)(eol - p);
		if (len >= sizeof(line))
			continue;
		memcpy(line, p, len);
		line[len] = '\0';
		w1[0] = w2[0] = w3[0] = '\0';
		if (sscanf(line, "%63s %63s %63s", w1, w2, w3) < 1)
			continue;
		if (strcmp(w1, "table") == 0) {
			in_table = strcmp(w2, family) == 0 &&
			    strcmp(w3, table) == 0;
			in_ft = 0;
		} else if (strcmp(w1, "flowtable") == 0) {
			in_ft = in_table && strcmp(w2, name) == 0;
			if (in_ft)
				flags = 0;
		} else if (in_ft && strcmp(w1, "}") == 0)
			in_ft = 0;
		else if (in_ft && strcmp(w1, "counter") == 0)
			flags |= 2;
		else if (in_ft && strcmp(w1, "flags") == 0 &&
		    strstr(line, "offload") != NULL)
			flags |= 1;
	}
	return flags;
}

/*
 * What a ruleset (nft -j list ruleset) hides from the counting: the
 * flowtables that rules add flows to, whose flows skip the forward hook
 * once offloaded.  out gets "flowtable NAME" (", NAME"...), with "(hw)"
 * after one whose flags say "offload" (to the NIC), and "no counter"
 * after one without the counter flag: nft 1.0.6 prints no flags in
 * JSON, so they come from text, the same ruleset's text listing, when
 * not NULL.  *nocounter is 1 when one has no counter flag, 2 when the
 * text cannot tell, else 0.  1 when there is one, 0 when none, -1 when
 * json is not nft's.
 */
int
rt_offload(const char *json, const char *text, char *out, size_t size,
    int *nocounter)
{
	json_t		*o, *a, *e, *ft, *flags, *f;
	json_error_t	 je;
	const char	*name, *table, *family;
	size_t		 i, k, len = 0;
	int		 hw, tf, nocount, n = 0;

	out[0] = '\0';
	*nocounter = 0;
	if ((o = json_loads(json, 0, &je)) == NULL)
		return -1;
	if (!json_is_array(a = json_object_get(o, "nftables"))) {
		json_decref(o);
		return -1;
	}
	json_array_foreach(a, i, e) {
		if (!json_is_object(ft = json_object_get(e, "flowtable")) ||
		    (name = json_string_value(json_object_get(ft,
		    "name"))) == NULL ||
		    (table = json_string_value(json_object_get(ft,
		    "table"))) == NULL || !flowtable_used(a, table, name))
			continue;
		hw = 0;
		flags = json_object_get(ft, "flags");
		if (json_is_string(flags))
			hw = strcmp(json_string_value(flags), "offload") == 0;
		json_array_foreach(flags, k, f)
			if (json_is_string(f) &&
			    strcmp(json_string_value(f), "offload") == 0)
				hw = 1;
		nocount = 0;
		if (text != NULL && (family = json_string_value(
		    json_object_get(ft, "family"))) != NULL &&
		    (tf = ft_text_flags(text, family, table, name)) != -1) {
			hw |= tf & 1;
			nocount = !(tf & 2);
		} else if (*nocounter == 0)
			*nocounter = 2;		/* cannot tell */
		if (nocount)
			*nocounter = 1;
		if (len < size)
			len += (size_t)snprintf(out + len, size - len,
			    "%s%.40s%s", n == 0 ? "flowtable " : ", ", name,
			    hw && nocount ? " (hw, no counter)" : hw ? " (hw)" :
			    nocount ? " (no counter)" : "");
		n++;
	}
	json_decref(o);
	return n > 0;
}

/* ---- offloaded flows, from conntrack ---- */

/* Whether the sysctl file NAME under procdir begins with c. */
static int
sysctl_is(const char *procdir, const char *name, char c)
{
	char	path[4096], *buf;
	size_t	len;
	int	is;

	if (bw_path(path, sizeof(path), procdir, name, NULL, NULL) == -1 ||
	    bw_read_file(path, 64, &buf, &len) == -1)
		return 0;
	is = len > 0 && buf[0] == c;
	free(buf);
	return is;
}

static int
sysctl_on(const char *procdir, const char *name)
{
	return sysctl_is(procdir, name, '1');
}

/* The address of sa, as a network of its own (all mask bits set). */
static int
net_of(const struct sockaddr *sa, struct lan_net *n)
{
	memset(n, 0, sizeof(*n));
	if (sa->sa_family == AF_INET)
		memcpy(n->addr, &((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr, 4);
	else if (sa->sa_family == AF_INET6)
		memcpy(n->addr, ((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr.s6_addr, 16);
	else
		return -1;
	n->family = sa->sa_family;
	memset(n->mask, 0xff, sizeof(n->mask));
	return 0;
}

/* Hex digits into n bytes; -1 unless there are 2n of them. */
static int
unhex(const char *s, uint8_t *out, size_t n)
{
	unsigned int	b;
	size_t		k;

	if (strlen(s) != 2 * n)
		return -1;
	for (k = 0; k < n; k++) {
		if (sscanf(s + 2 * k, "%2x", &b) != 1)
			return -1;
		out[k] = (uint8_t)b;
	}
	return 0;
}

/* A network routed to the LAN: not the default, link-local, multicast. */
static void
net_add(struct router *r, int family, const uint8_t *a, int plen)
{
	struct lan_net	*n;
	size_t		 len = family == AF_INET ? 4 : 16, k;

	if (plen <= 0 || (size_t)plen > len * 8 ||
	    (family == AF_INET6 && ((a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	    a[0] == 0xff)) || (family == AF_INET && (a[0] & 0xf0) == 0xe0))
		return;
	if (r->nnets == LAN_NETS) {
		log_debug("%s: more than %d networks routed to it", r->iface,
		    LAN_NETS);
		return;
	}
	n = &r->nets[r->nnets++];
	memset(n, 0, sizeof(*n));
	n->family = family;
	for (k = 0; k < len; k++) {
		n->mask[k] = plen >= (int)(8 * (k + 1)) ? 0xff :
		    plen <= (int)(8 * k) ? 0 :
		    (uint8_t)(0xff << (8 - (plen - 8 * (int)k)));
		n->addr[k] = a[k] & n->mask[k];
	}
}

/*
 * The networks the main routing table sends out of the LAN interface
 * (its subnets, and those routed behind a device on it), from
 * /proc/net/route and /proc/net/ipv6_route.
 */
static void
routes_read(struct router *r)
{
	char		 path[4096], line[512], ifn[64], d6[64];
	uint8_t		 a[16];
	unsigned int	 dst, mask, plen;
	FILE		*f;

	r->nnets = 0;
	if (bw_path(path, sizeof(path), bw_procdir(), "net/route", NULL,
	    NULL) == 0 && (f = fopen(path, "re")) != NULL) {
		/*
		 * Destination and mask are the network-order words printed
		 * as host integers: their bytes, copied back, are in order.
		 */
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%63s %x %*s %*s %*s %*s %*s %x", ifn,
			    &dst, &mask) == 3 && strcmp(ifn, r->iface) == 0) {
				memcpy(a, &dst, 4);
				net_add(r, AF_INET, a,
				    __builtin_popcount(mask));
			}
		(void)fclose(f);
	}
	if (bw_path(path, sizeof(path), bw_procdir(), "net/ipv6_route", NULL,
	    NULL) == 0 && (f = fopen(path, "re")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%63s %x %*s %*s %*s %*s %*s %*s %*s "
			    "%63s", d6, &plen, ifn) == 3 &&
			    strcmp(ifn, r->iface) == 0 &&
			    unhex(d6, a, 16) == 0)
				net_add(r, AF_INET6, a, (int)plen);
		(void)fclose(f);
	}
}

/*
 * The networks routed to the LAN interface, and the router's own
 * addresses (the LAN interface's first), read again each minute.
 */
static void
nets_read(struct router *r)
{
	struct ifaddrs	*ifa, *i;
	struct lan_net	 n;
	int		 pass;

	routes_read(r);
	if (getifaddrs(&ifa) == -1)
		return;
	r->nlocals = 0;
	for (pass = 0; pass < 2; pass++)
		for (i = ifa; i != NULL; i = i->ifa_next) {
			if (i->ifa_addr == NULL || (strcmp(i->ifa_name,
			    r->iface) == 0) != (pass == 0) ||
			    net_of(i->ifa_addr, &n) == -1)
				continue;
			if (r->nlocals == LOCALS) {
				log_debug("%s: more than %d local addresses",
				    r->iface, LOCALS);
				break;
			}
			r->locals[r->nlocals++] = n;
		}
	freeifaddrs(ifa);
}

static int
in_nets(const struct lan_net *v, size_t nv, int family, const uint8_t *addr)
{
	size_t	i, k, len = family == AF_INET ? 4 : 16;

	for (i = 0; i < nv; i++) {
		if (v[i].family != family)
			continue;
		for (k = 0; k < len; k++)
			if ((addr[k] & v[i].mask[k]) != v[i].addr[k])
				break;
		if (k == len)
			return 1;
	}
	return 0;
}

/*
 * ctd_lan_fn: an address in one of the LAN interface's subnets, but
 * the router's own.  At most CT_ADDRS such addresses are added (a host
 * may rotate IPv6 addresses); the bytes of more are said and lost.
 */
static int
lan_addr(void *arg, int family, const uint8_t *addr, uint64_t rx,
    uint64_t tx)
{
	struct router	*r = arg;
	struct bw_host	*a;
	char		 text[BW_ADDRSTR];

	if (in_nets(r->locals, r->nlocals, family, addr))
		return -1;
	if (!in_nets(r->nets, r->nnets, family, addr))
		return 0;
	if ((rx == 0 && tx == 0) ||
	    inet_ntop(family, addr, text, sizeof(text)) == NULL)
		return 1;
	if ((a = bw_hostset_get(&r->addrs, text, 0)) == NULL) {
		if (r->addrs.n >= CT_ADDRS) {
			if (!r->full)
				log_warnx("%s: more than %d LAN addresses: "
				    "the bytes of new ones are not counted",
				    r->iface, CT_ADDRS);
			r->full = 1;
			return 1;
		}
		if ((a = bw_hostset_get(&r->addrs, text, 1)) == NULL)
			return 1;
	}
	a->rx_bps += (double)rx;
	a->tx_bps += (double)tx;
	return 1;
}

/* The flows' bytes since the last read, into the addresses'. */
static void
offload_read(struct router *r)
{
	char	why[sizeof(r->read_why)];

	if (!r->ctmode)
		return;
	if ((ofl_read(r->ofl, why, sizeof(why)) == -1 || why[0] != '\0') &&
	    strcmp(why, r->read_why) != 0)
		log_warnx("%s: %s", r->iface, why);
	(void)strcpy(r->read_why, why);
}

/*
 * Conntrack counts (on), or the sets alone: the table made anew for
 * it, and the sets' counters start at 0.  Turned on, the first read
 * only takes note of the flows (they count from their next byte);
 * turned off, a last read.  When the table cannot be made, nothing
 * changes: the next minute tries again.
 */
static void
ctmode_set(struct router *r, int on)
{
	size_t	i;

	if (!on)
		offload_read(r);
	r->ctmode = on;
	if (table_setup(r) == -1) {
		log_warnx("%s: the counting table could not be made anew",
		    r->iface);
		r->ctmode = !on;
		if (on) {
			ofl_close(r->ofl);
			r->ofl = NULL;
		}
		return;
	}
	for (i = 0; i < r->addrs.n; i++)
		r->addrs.v[i].rx = r->addrs.v[i].tx = 0;
	if (on)
		offload_read(r);
	else {
		ofl_close(r->ofl);
		r->ofl = NULL;
	}
}

/*
 * With something offloaded, count from conntrack; whether that counts
 * the offloaded packets (accounting on, the flowtable's counter flag)
 * said in the log when it changes.
 */
static void
offload_counting(struct router *r)
{
	char	why[sizeof(r->ofl_why)] = "";
	int	counted = 0;

	if (r->offload[0] == '\0') {
		if (r->ctmode)
			ctmode_set(r, 0);
		r->counted = 0;
		r->ofl_why[0] = '\0';
		return;
	}
	nets_read(r);
	if (r->ofl == NULL && (r->ofl = ofl_open(lan_addr, r, why,
	    sizeof(why))) == NULL) {
		if (r->ctmode)
			ctmode_set(r, 0);
	} else if (!r->ctmode) {
		ctmode_set(r, 1);
		if (!r->ctmode)
			(void)snprintf(why, sizeof(why), "the counting table "
			    "could not be made anew");
	}
	if (r->ofl == NULL)
		;
	else if (!sysctl_on(bw_procdir(),
	    "sys/net/netfilter/nf_conntrack_acct"))
		(void)snprintf(why, sizeof(why), "conntrack accounting is "
		    "off (sysctl -w net.netfilter.nf_conntrack_acct=1 counts "
		    "the flows that begin after it)");
	else if (r->nocounter == 1)
		(void)snprintf(why, sizeof(why), "a flowtable without the "
		    "counter flag keeps offloaded packets out of conntrack's "
		    "counters (declare it with \"counter;\", Linux 5.7+)");
	else if (r->nocounter == 2)
		(void)snprintf(why, sizeof(why), "the flowtable's flags could "
		    "not be read (nft list ruleset): conntrack's counters hold "
		    "its offloaded packets only with the counter flag");
	else
		counted = 1;
	if (counted && !r->counted)
		log_info("%s: %s: offloaded flows counted from their "
		    "conntrack counters", r->iface, r->offload);
	else if (!counted && (r->counted || strcmp(why, r->ofl_why) != 0))
		log_warnx("%s: %s: offloaded flows bypass the forward hook, "
		    "so their bytes are not counted per host: %s", r->iface,
		    r->offload, why);
	if (counted && !r->counted && sysctl_is(bw_procdir(),
	    "sys/net/netfilter/nf_conntrack_events", '0'))
		log_warnx("%s: conntrack events are off: a flow that ends "
		    "between two reads loses its last second "
		    "(sysctl -w net.netfilter.nf_conntrack_events=1)",
		    r->iface);
	r->counted = counted;
	(void)strcpy(r->ofl_why, why);
}

/*
 * The ruleset's flowtables: BWMON_NFT_RULESET names a file of recorded
 * JSON to judge instead (this kernel may have no flowtables to test
 * with), and BWMON_OFFLOAD_TEST makes believe there is one.
 * Said in the log when it changes.
 */
static void
check_offload(struct router *r)
{
	const char	*env = getenv("BWMON_NFT_RULESET"), *js, *t;
	char		*buf = NULL, *text = NULL, now[sizeof(r->offload)];
	char		 path[4096];
	size_t		 len;
	int		 rv, nocounter;

	if (env != NULL && env[0] != '\0') {
		if (bw_read_file(env, (size_t)16 << 20, &buf, &len) == -1) {
			log_warn("%s", env);
			return;
		}
		js = buf;
		/* The same ruleset's text listing: NAME.nft for NAME.json. */
		len = strlen(env);
		if (len > 5 && len < sizeof(path) &&
		    strcmp(env + len - 5, ".json") == 0) {
			(void)snprintf(path, sizeof(path), "%.*s.nft",
			    (int)(len - 5), env);
			if (bw_read_file(path, (size_t)16 << 20, &text,
			    &len) == -1)
				text = NULL;
		}
	} else {
		/* The text first: the next command overwrites the buffer. */
		if ((t = nft_run(r, "list ruleset", 0)) != NULL)
			text = strdup(t);
		if ((js = nft_run(r, "list ruleset", 1)) == NULL) {
			free(text);
			return;
		}
	}
	rv = rt_offload(js, text, now, sizeof(now), &nocounter);
	free(buf);
	free(text);
	if (rv == -1) {
		log_warnx("%s: nft's ruleset is not JSON it knows", r->iface);
		return;
	}
	if (r->test)
		(void)snprintf(now, sizeof(now), "test (BWMON_OFFLOAD_TEST)");
	if (strcmp(now, r->offload) != 0) {
		r->counted = 0;		/* said again */
		r->ofl_why[0] = '\0';
	}
	(void)strcpy(r->offload, now);
	r->nocounter = r->test ? 0 : nocounter;
	offload_counting(r);
}

/* ---- the neighbour table ---- */

static void
mac_text(const unsigned char *m, char *out)
{
	(void)snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1],
	    m[2], m[3], m[4], m[5]);
}

/* One neighbour message: the MAC of an address on the LAN interface. */
static void
neigh_one(struct router *r, struct nlmsghdr *h)
{
	struct ndmsg	*nd = NLMSG_DATA(h);
	struct rtattr	*a;
	struct bw_host	*e;
	const void	*dst = NULL;
	const unsigned char *ll = NULL;
	char		 addr[BW_ADDRSTR];
	int		 len, lllen = 0;

	if (h->nlmsg_type != RTM_NEWNEIGH ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*nd)) ||
	    nd->ndm_ifindex != r->ifindex ||
	    (nd->ndm_state & (NUD_INCOMPLETE | NUD_FAILED | NUD_NOARP)))
		return;
	len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*nd)));
	for (a = (struct rtattr *)((char *)nd + NLMSG_ALIGN(sizeof(*nd)));
	    RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == NDA_DST)
			dst = RTA_DATA(a);
		else if (a->rta_type == NDA_LLADDR) {
			ll = RTA_DATA(a);
			lllen = (int)RTA_PAYLOAD(a);
		}
	}
	if (dst == NULL || ll == NULL || lllen != 6 ||
	    (nd->ndm_family != AF_INET && nd->ndm_family != AF_INET6) ||
	    inet_ntop(nd->ndm_family, dst, addr, sizeof(addr)) == NULL)
		return;
	/* Only the addresses that move bytes are kept. */
	if ((e = bw_hostset_get(&r->addrs, addr, 0)) != NULL)
		mac_text(ll, e->mac);
}

/* The MACs of the addresses counted, from an RTM_GETNEIGH dump. */
static void
neigh_read(struct router *r)
{
	struct {
		struct nlmsghdr	h;
		struct ndmsg	nd;
	} req;
	struct sockaddr_nl	 sa;
	struct nlmsghdr		*h;
	char			*buf;
	ssize_t			 n;
	int			 fd, done = 0;

	if ((buf = malloc(NEIGH_BUF)) == NULL)
		return;
	if ((fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC,
	    NETLINK_ROUTE)) == -1) {
		free(buf);
		return;
	}
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_len = sizeof(req);
	req.h.nlmsg_type = RTM_GETNEIGH;
	req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.h.nlmsg_seq = 1;
	req.nd.ndm_family = AF_UNSPEC;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (sendto(fd, &req, sizeof(req), 0, (struct sockaddr *)&sa,
	    sizeof(sa)) == -1)
		done = 1;
	while (!done && (n = recv(fd, buf, NEIGH_BUF, 0)) > 0) {
		for (h = (struct nlmsghdr *)(void *)buf;
		    NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE ||
			    h->nlmsg_type == NLMSG_ERROR) {
				done = 1;
				break;
			}
			neigh_one(r, h);
		}
	}
	(void)close(fd);
	free(buf);
}

/* ---- the counters ---- */

/*
 * One set element: the bytes its address moved since the last read go
 * into the address's pending bytes (rx_bps and tx_bps hold them in the
 * address entries, until count_devs() gives them to a device).
 */
static void
count_elem(struct router *r, json_t *el, int rx)
{
	struct bw_host	*a;
	const char	*val;
	json_t		*e, *c;
	uint64_t	 bytes, delta, *last;

	if ((e = json_object_get(el, "elem")) == NULL ||
	    (val = json_string_value(json_object_get(e, "val"))) == NULL ||
	    !json_is_integer(c = json_object_get(json_object_get(e,
	    "counter"), "bytes")))
		return;
	bytes = (uint64_t)json_integer_value(c);
	if ((a = bw_hostset_get(&r->addrs, val, 1)) == NULL)
		return;
	last = rx ? &a->rx : &a->tx;
	/* An element gone and back starts again from 0. */
	delta = bytes >= *last ? bytes - *last : bytes;
	*last = bytes;
	if (rx)
		a->rx_bps += (double)delta;
	else
		a->tx_bps += (double)delta;
}

/* Read the four sets.  -1 when nft could not list them. */
static int
count_read(struct router *r)
{
	json_t		*o, *a, *e, *set, *elems, *el;
	json_error_t	 je;
	const char	*js, *name;
	char		 cmd[128];
	size_t		 i, k;

	(void)snprintf(cmd, sizeof(cmd), "list table inet %s", r->table);
	if ((js = nft_run(r, cmd, 1)) == NULL)
		return -1;
	if ((o = json_loads(js, 0, &je)) == NULL)
		return -1;
	a = json_object_get(o, "nftables");
	json_array_foreach(a, i, e) {
		if (!json_is_object(set = json_object_get(e, "set")) ||
		    (name = json_string_value(json_object_get(set,
		    "name"))) == NULL || strlen(name) != 3 ||
		    (elems = json_object_get(set, "elem")) == NULL)
			continue;
		json_array_foreach(elems, k, el)
			count_elem(r, el, name[0] == 'r');
	}
	json_decref(o);
	return 0;
}

/*
 * An address counted before the neighbour table knew its MAC was a
 * device of its own: its row joins the MAC's when the MAC is learnt.
 * 1 when it had one.
 */
static int
merge_row(struct bw_hostset *s, const char *addr, const char *mac)
{
	struct bw_host	*o, *d, old;
	size_t		 k;

	if ((o = bw_hostset_get(s, addr, 0)) == NULL)
		return 0;
	old = *o;
	bw_hostset_del(s, addr);
	if ((d = bw_hostset_get(s, mac, 1)) == NULL)
		return 1;
	d->rx += old.rx;
	d->tx += old.tx;
	if (old.seen > d->seen)
		d->seen = old.seen;
	for (k = 0; k < old.naddrs; k++)
		(void)bw_host_add_addr(d, old.addrs[k]);
	return 1;
}

/*
 * Give each address's pending bytes to its device (its MAC, or the
 * address when the neighbour table does not know it), into the totals,
 * this second's bytes (tick) and the interval's.
 */
static void
count_devs(struct router *r, struct bw_hostset *tick, int64_t now)
{
	struct bw_host	*a, *d, *t, *iv;
	uint64_t	 rx, tx;
	size_t		 i;

	for (i = 0; i < r->addrs.n; i++) {
		a = &r->addrs.v[i];
		if (a->rx_bps == 0 && a->tx_bps == 0)
			continue;
		rx = (uint64_t)a->rx_bps;
		tx = (uint64_t)a->tx_bps;
		a->rx_bps = a->tx_bps = 0;
		/*
		 * The history's rows under the address stay: the device's
		 * next row says it "was" the address, and readers join them.
		 */
		if (a->mac[0] != '\0' && merge_row(&r->devs, a->id, a->mac) &&
		    ((iv = bw_hostset_get(&r->ival, a->mac, 1)) == NULL ||
		    bw_host_add_was(iv, a->id) == -1))
			log_debug("%s: %s: earlier rows of %s not joined",
			    r->iface, a->mac, a->id);
		if (a->mac[0] != '\0')
			(void)merge_row(&r->ival, a->id, a->mac);
		if ((d = bw_hostset_get(&r->devs, a->mac[0] != '\0' ? a->mac :
		    a->id, 1)) == NULL ||
		    (t = bw_hostset_get(tick, d->id, 1)) == NULL ||
		    (iv = bw_hostset_get(&r->ival, d->id, 1)) == NULL) {
			log_warnx("%s: hosts: out of memory", r->iface);
			continue;
		}
		(void)strcpy(d->mac, a->mac);
		if (bw_host_add_addr(d, a->id) == -1)
			log_debug("%s: %s: more than %d addresses", r->iface,
			    d->id, BW_HOST_ADDRS);
		d->rx += rx;
		d->tx += tx;
		d->seen = now;
		t->rx += rx;
		t->tx += tx;
		iv->rx += rx;
		iv->tx += tx;
	}
}

/* ---- names ---- */

/* Read the names again when a file changed (or came, or went). */
static int
names_refresh(struct router *r)
{
	struct stat	 st;
	size_t		 i;
	int		 changed = 0, exists;

	for (i = 0; i < 3; i++) {
		exists = stat(r->watch[i].path, &st) == 0;
		if (exists != r->watch[i].exists || (exists &&
		    (st.st_ino != r->watch[i].st.st_ino ||
		    st.st_size != r->watch[i].st.st_size ||
		    st.st_mtim.tv_sec != r->watch[i].st.st_mtim.tv_sec ||
		    st.st_mtim.tv_nsec != r->watch[i].st.st_mtim.tv_nsec)))
			changed = 1;
		r->watch[i].exists = exists;
		if (exists)
			r->watch[i].st = st;
	}
	if (!changed)
		return 0;
	if (bw_names_load(&r->names, &r->files, log_warnx_error) == -1)
		log_warn("%s: host names", r->iface);
	log_debug("%s: %zu host names", r->iface, r->names.n);
	return 1;
}

/* ---- the history ---- */

static int64_t
local_day(int64_t t)
{
	int64_t	d;

	if (bw_period_start(t, BW_PERIOD_DAY, 1, &d) == -1)
		return t / 86400;
	return d;
}

/*
 * The interval's rows, named as the devices are now; then the hours and
 * days that ended rolled up, and once a day the trim.  The files are
 * small (a row per device that moved bytes), so this runs in line.
 */
static void
close_interval(struct router *r, double now)
{
	struct bw_host	*iv, *d;
	size_t		 i, nh = 0, nd = 0;

	for (i = 0; i < r->ival.n; i++) {
		iv = &r->ival.v[i];
		if ((d = bw_hostset_get(&r->devs, iv->id, 0)) == NULL)
			continue;
		(void)strcpy(iv->name, d->name);
		iv->from = d->from;
		memcpy(iv->addrs, d->addrs, sizeof(iv->addrs));
		iv->naddrs = d->naddrs;
	}
	if (r->ival.n > 0) {
		bw_hostset_sort(&r->ival);
		if (bw_hostlog_append(r->log_path, r->start, r->interval,
		    &r->ival) == -1)
			log_warn("%s: host history not written", r->log_path);
	}
	bw_hostset_free(&r->ival);
	if (r->rolled / HOUR != (int64_t)now / HOUR) {
		if (bw_hostlog_catchup(r->dir, r->iface, BW_HOSTLOG_HOURLY,
		    (int64_t)now, &nh) == -1 ||
		    bw_hostlog_catchup(r->dir, r->iface, BW_HOSTLOG_DAILY,
		    (int64_t)now, &nd) == -1)
			log_warn("%s: host history: rollup", r->iface);
		r->rolled = (int64_t)now;
	}
	if (local_day((int64_t)now) != r->trimmed) {
		if (bw_hostlog_trim(r->dir, r->iface, now, r->retention) == -1)
			log_warn("%s: host history: trim", r->iface);
		r->trimmed = local_day((int64_t)now);
	}
}

/* ---- the module ---- */

/* A private (RFC 1918, RFC 6598) or ULA address. */
static int
private_addr(const struct sockaddr *sa)
{
	const unsigned char	*b;

	if (sa->sa_family == AF_INET) {
		b = (const unsigned char *)&((const struct sockaddr_in *)
		    (const void *)sa)->sin_addr;
		return b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) ||
		    (b[0] == 192 && b[1] == 168) ||
		    (b[0] == 100 && (b[1] & 0xc0) == 64);
	}
	if (sa->sa_family == AF_INET6) {
		b = ((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr.s6_addr;
		return (b[0] & 0xfe) == 0xfc;
	}
	return 0;
}

int
rt_wanted(const struct bw_conf *c, const char *iface, const char *procdir,
    char *why, size_t size)
{
	struct ifaddrs	*ifa, *i;
	char		 route[BW_IFNAMSIZ], list[sizeof(c->lan_ifaces)];
	char		*tok, *save = NULL;
	int		 listed = 0, priv = 0;

	(void)snprintf(list, sizeof(list), "%s", c->lan_ifaces);
	for (tok = strtok_r(list, " ", &save); tok != NULL;
	    tok = strtok_r(NULL, " ", &save))
		if (strcmp(tok, iface) == 0)
			listed = 1;
	if (c->router == BW_TRI_OFF) {
		(void)snprintf(why, size, "router = off");
		return 0;
	}
	if (c->lan_ifaces[0] != '\0' && !listed) {
		(void)snprintf(why, size, "not in lan_ifaces");
		return 0;
	}
	if (c->router == BW_TRI_ON && listed) {
		(void)snprintf(why, size, "router = on, and lan_ifaces lists "
		    "%s", iface);
		return 1;
	}
	if (c->router == BW_TRI_AUTO &&
	    !sysctl_on(procdir, "sys/net/ipv4/ip_forward") &&
	    !sysctl_on(procdir, "sys/net/ipv6/conf/all/forwarding")) {
		(void)snprintf(why, size, "router = auto, and the box does "
		    "not forward");
		return 0;
	}
	if (listed) {
		(void)snprintf(why, size, "router = auto: it forwards, and "
		    "lan_ifaces lists %s", iface);
		return 1;
	}
	/* The WAN: what it would count are the Internet's addresses. */
	if (bw_route_iface(procdir, route, sizeof(route)) == 0 &&
	    strcmp(route, iface) == 0) {
		(void)snprintf(why, size, "%s has the default route",
		    iface);
		return 0;
	}
	if (c->router == BW_TRI_ON) {
		(void)snprintf(why, size, "router = on");
		return 1;
	}
	if (getifaddrs(&ifa) == 0) {
		for (i = ifa; i != NULL; i = i->ifa_next)
			if (i->ifa_addr != NULL &&
			    strcmp(i->ifa_name, iface) == 0 &&
			    private_addr(i->ifa_addr))
				priv = 1;
		freeifaddrs(ifa);
	}
	if (!priv) {
		(void)snprintf(why, size, "router = auto, and %s has no "
		    "private or ULA subnet", iface);
		return 0;
	}
	(void)snprintf(why, size, "router = auto: it forwards, and %s has "
	    "a private subnet and not the default route", iface);
	return 1;
}

struct router *
rt_open(const char *dir, const char *iface, const struct bw_conf *c,
    double now)
{
	struct router	*r;
	const char	*env;
	size_t		 i;
	int		 fd, saved;

	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	r->dir = dir;
	r->iface = iface;
	r->interval = c->owners_interval > 0 ? c->owners_interval : 300;
	r->retention = c->retention_days;
	r->start = (int64_t)now - (int64_t)now % r->interval;
	r->rolled = -1;
	r->trimmed = -1;
	bw_hostset_init(&r->addrs);
	bw_hostset_init(&r->devs);
	bw_hostset_init(&r->ival);
	bw_names_init(&r->names);
	(void)snprintf(r->leases, sizeof(r->leases), "%s",
	    bw_leases_path(c));
	r->files.leases = r->leases;
	r->files.ethers = "/etc/ethers";
	r->files.hosts = "/etc/hosts";
	r->watch[0].path = r->files.leases;
	r->watch[1].path = r->files.ethers;
	r->watch[2].path = r->files.hosts;
	(void)snprintf(r->table, sizeof(r->table), "bwmon_hosts_%s", iface);
	r->test = (env = getenv("BWMON_OFFLOAD_TEST")) != NULL &&
	    env[0] != '\0';
	if ((r->ifindex = (int)if_nametoindex(iface)) == 0 ||
	    bw_kind_path(r->live_path, sizeof(r->live_path), dir, BW_HOSTS,
	    iface) == -1 ||
	    bw_kind_path(r->log_path, sizeof(r->log_path), dir, BW_HOSTLOG,
	    iface) == -1)
		goto fail;
	if ((r->nft = nft_ctx_new(NFT_CTX_DEFAULT)) == NULL ||
	    nft_ctx_buffer_output(r->nft) != 0 ||
	    nft_ctx_buffer_error(r->nft) != 0) {
		errno = ENOMEM;
		goto fail;
	}
	if (bw_pub_init(&r->live, r->live_path) == -1)
		goto fail;
	r->live_open = 1;
	if (table_setup(r) == -1) {
		errno = EPERM;
		goto fail;
	}
	/* The totals go on from the previous file's. */
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		if (bw_hosts_read(fd, iface, &r->devs) == -1 &&
		    errno != ENOENT)
			log_warn("%s: previous hosts file unreadable; "
			    "counting from 0", iface);
		(void)close(fd);
	}
	for (i = 0; i < r->devs.n; i++)
		r->devs.v[i].rx_bps = r->devs.v[i].tx_bps = 0;
	(void)names_refresh(r);
	check_offload(r);
	log_info("%s: router mode: counting LAN hosts in nftables table "
	    "inet %s%s%s", iface, r->table, r->offload[0] != '\0' ? "; " : "",
	    r->offload);
	return r;
fail:
	saved = errno;
	if (r->live_open)
		bw_pub_close(&r->live);
	if (r->nft != NULL)
		nft_ctx_free(r->nft);
	free(r);
	errno = saved;
	return NULL;
}

void
rt_tick(struct router *r, double now, double m)
{
	struct bw_hostset	 tick;
	struct bw_hosts_head	 hd;
	struct bw_host		*d, *t;
	double			 dt = r->last_m > 0 ? m - r->last_m : 1;
	size_t			 i;
	int			 idx;

	if (dt <= 0)
		dt = 1;
	r->last_m = m;
	bw_hostset_init(&tick);
	/* A bridge made anew has a new index; the rules go by name. */
	if ((idx = (int)if_nametoindex(r->iface)) != 0)
		r->ifindex = idx;
	if (count_read(r) == 0) {
		offload_read(r);
		neigh_read(r);
		count_devs(r, &tick, (int64_t)now);
	}
	(void)names_refresh(r);
	for (i = 0; i < r->devs.n; i++) {
		d = &r->devs.v[i];
		(void)bw_names_find(&r->names, d);
		t = bw_hostset_get(&tick, d->id, 0);
		d->rx_bps = t != NULL ? (double)t->rx * 8 / dt : 0;
		d->tx_bps = t != NULL ? (double)t->tx * 8 / dt : 0;
	}
	bw_hostset_free(&tick);
	if ((int64_t)now % 60 == 0)
		check_offload(r);
	memset(&hd, 0, sizeof(hd));
	hd.ts = now;
	hd.iface = r->iface;
	hd.pid = (long)getpid();
	hd.interval = 1;
	hd.source = r->ctmode ? "conntrack" : "nftables";
	hd.offload = r->offload[0] != '\0' ? r->offload : NULL;
	hd.offload_counted = r->counted;
	if (bw_hosts_write(&r->live, &hd, &r->devs) == -1) {
		if (errno != r->write_err)
			log_warn("%s", r->live_path);
		r->write_err = errno;
	} else
		r->write_err = 0;
	if (now < (double)r->start || now >= (double)(r->start +
	    r->interval)) {
		close_interval(r, now);
		r->start = (int64_t)now - (int64_t)now % r->interval;
	}
}

void
rt_flush(struct router *r, double now)
{
	if (r == NULL)
		return;
	rt_tick(r, now, bw_mono());
	close_interval(r, now);
}

void
rt_close(struct router *r)
{
	if (r == NULL)
		return;
	table_remove(r);
	ofl_close(r->ofl);
	nft_ctx_free(r->nft);
	bw_pub_close(&r->live);
	bw_hostset_free(&r->addrs);
	bw_hostset_free(&r->devs);
	bw_hostset_free(&r->ival);
	bw_names_free(&r->names);
	free(r);
}
