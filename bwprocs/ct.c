/*
 * Conntrack for the spike records: the status of connection tracking in
 * our network namespace, from two small /proc files, and one flow's
 * state and lifetime counters from a netlink GET by its tuple.  A spike
 * asks about a few dozen flows, so the cost stays the same whatever the
 * size of the table: no dump, and never CTRZERO, which would reset the
 * counters of every other reader.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack_tcp.h>

#include "ct.h"
#include "util.h"

#define CT_REOPEN	60.0	/* seconds between tries to open netlink */
#define CT_PROBE	60.0	/* seconds between permission probes */
#define CT_WAIT_US	100000	/* longest wait for one answer */
#define CT_LATE		4	/* late answers skipped per query, at most */
#define CT_DRAIN	64	/* queued messages dropped per query, at most */

struct ct {
	struct nfct_handle	*h;
	struct ctflow		*cur;		/* the lookup being answered */
	double			 next_open;	/* monotonic */
	double			 next_probe;	/* monotonic */
	int			 qerr;		/* last query's lasting error */
	char			 openerr[96];	/* why h is NULL */
	char			 why[160];	/* ct_status_why() */
};

static const char *const tcp_states[] = {
	[TCP_CONNTRACK_NONE] = "NONE",
	[TCP_CONNTRACK_SYN_SENT] = "SYN_SENT",
	[TCP_CONNTRACK_SYN_RECV] = "SYN_RECV",
	[TCP_CONNTRACK_ESTABLISHED] = "ESTABLISHED",
	[TCP_CONNTRACK_FIN_WAIT] = "FIN_WAIT",
	[TCP_CONNTRACK_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_CONNTRACK_LAST_ACK] = "LAST_ACK",
	[TCP_CONNTRACK_TIME_WAIT] = "TIME_WAIT",
	[TCP_CONNTRACK_CLOSE] = "CLOSE",
	[TCP_CONNTRACK_SYN_SENT2] = "SYN_SENT2",
};

/* A number from /proc/sys/net/netfilter/NAME: 0, or -1 with errno. */
static int
readnum(const char *name, long long *v)
{
	char	path[512], buf[32];
	ssize_t	n;
	int	fd, saved;

	if (bw_path(path, sizeof(path), bw_procdir(), "sys/net/netfilter/",
	    name, NULL) == -1)
		return -1;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	saved = errno;
	(void)close(fd);
	if (n == -1) {
		errno = saved;
		return -1;
	}
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	if (bw_parse_ll(buf, 0, INT64_MAX, v) == -1) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* Is (addr, port) the end that attributes a4 or a6, and pattr, name? */
static int
same_end(const struct nf_conntrack *c, int family, enum nf_conntrack_attr a4,
    enum nf_conntrack_attr a6, enum nf_conntrack_attr pattr,
    const uint8_t *addr, uint16_t port)
{
	const void	*p;

	if (nfct_attr_is_set(c, pattr) <= 0 ||
	    nfct_get_attr_u16(c, pattr) != htons(port))
		return 0;
	p = nfct_get_attr(c, family == 4 ? a4 : a6);
	return p != NULL && memcmp(p, addr, family == 4 ? 4 : 16) == 0;
}

/*
 * The answer to a GET: copy what the record wants.  The flow starts at
 * a when a is the original source or, behind NAT, the reply's
 * destination.
 */
static int
got(enum nf_conntrack_msg_type type, struct nf_conntrack *c, void *arg)
{
	struct ct	*ct = arg;
	struct ctflow	*f = ct->cur;
	const char	*s;
	uint32_t	 st;
	uint8_t		 ts;

	(void)type;
	/* CONTINUE, not STOP: the ACK that follows must be read too. */
	if (f == NULL || f->found)
		return NFCT_CB_CONTINUE;
	f->found = 1;
	f->a_is_orig = same_end(c, f->family, ATTR_ORIG_IPV4_SRC,
	    ATTR_ORIG_IPV6_SRC, ATTR_ORIG_PORT_SRC, f->a, f->aport) ||
	    same_end(c, f->family, ATTR_REPL_IPV4_DST, ATTR_REPL_IPV6_DST,
	    ATTR_REPL_PORT_DST, f->a, f->aport);
	s = "";
	if (f->proto == IPPROTO_TCP) {
		if (nfct_attr_is_set(c, ATTR_TCP_STATE) > 0) {
			ts = nfct_get_attr_u8(c, ATTR_TCP_STATE);
			if (ts < sizeof(tcp_states) / sizeof(tcp_states[0]) &&
			    tcp_states[ts] != NULL)
				s = tcp_states[ts];
		}
	} else if (nfct_attr_is_set(c, ATTR_STATUS) > 0) {
		st = nfct_get_attr_u32(c, ATTR_STATUS);
		if (st & IPS_ASSURED)
			s = "ASSURED";
		else if (st & IPS_SEEN_REPLY)
			s = "REPLIED";
		else
			s = "UNREPLIED";
	}
	(void)snprintf(f->state, sizeof(f->state), "%s", s);
	/* Without accounting when the flow began, there are none. */
	if (nfct_attr_is_set(c, ATTR_ORIG_COUNTER_BYTES) > 0) {
		f->counters = 1;
		f->bytes = nfct_get_attr_u64(c, ATTR_ORIG_COUNTER_BYTES);
		f->packets = nfct_get_attr_u64(c, ATTR_ORIG_COUNTER_PACKETS);
		if (nfct_attr_is_set(c, ATTR_REPL_COUNTER_BYTES) > 0) {
			f->bytes += nfct_get_attr_u64(c,
			    ATTR_REPL_COUNTER_BYTES);
			f->packets += nfct_get_attr_u64(c,
			    ATTR_REPL_COUNTER_PACKETS);
		}
	}
	return NFCT_CB_CONTINUE;
}

/* Messages still queued (answers that came after we stopped waiting). */
static void
drain(struct ct *ct)
{
	char	buf[256];
	int	i;

	for (i = 0; i < CT_DRAIN; i++)
		if (recv(nfct_fd(ct->h), buf, sizeof(buf), MSG_DONTWAIT) == -1)
			break;
}

/* Remember an error that will not go away by itself, for ct_status. */
static void
note(struct ct *ct, int e)
{
	switch (e) {
	case EAGAIN:
	case EINTR:
	case EILSEQ:
	case ENOBUFS:
	case ENOMEM:
		return;
	}
	ct->qerr = e;
	ct->next_probe = bw_mono() + CT_PROBE;
}

/*
 * One GET of the tuple src -> dst of the flow's protocol.  1 when
 * conntrack has it (f filled in by got()), 0 when it does not, -1 on
 * error.
 */
static int
get(struct ct *ct, struct ctflow *f, const uint8_t *src, uint16_t sport,
    const uint8_t *dst, uint16_t dport)
{
	struct nf_conntrack	*c;
	uint32_t		 a4;
	int			 i, rv, saved;

	if ((c = nfct_new()) == NULL)
		return -1;
	if (f->family == 4) {
		nfct_set_attr_u8(c, ATTR_ORIG_L3PROTO, AF_INET);
		memcpy(&a4, src, 4);
		nfct_set_attr_u32(c, ATTR_ORIG_IPV4_SRC, a4);
		memcpy(&a4, dst, 4);
		nfct_set_attr_u32(c, ATTR_ORIG_IPV4_DST, a4);
	} else {
		nfct_set_attr_u8(c, ATTR_ORIG_L3PROTO, AF_INET6);
		nfct_set_attr(c, ATTR_ORIG_IPV6_SRC, src);
		nfct_set_attr(c, ATTR_ORIG_IPV6_DST, dst);
	}
	nfct_set_attr_u8(c, ATTR_ORIG_L4PROTO, f->proto);
	nfct_set_attr_u16(c, ATTR_ORIG_PORT_SRC, htons(sport));
	nfct_set_attr_u16(c, ATTR_ORIG_PORT_DST, htons(dport));

	drain(ct);
	ct->cur = f;
	rv = nfct_query(ct->h, NFCT_Q_GET, c);
	/* An answer that came too late for an earlier query: skip it. */
	for (i = 0; rv == -1 && errno == EILSEQ && i < CT_LATE; i++)
		rv = nfct_catch(ct->h);
	saved = errno;
	ct->cur = NULL;
	nfct_destroy(c);
	if (rv == -1) {
		if (saved == ENOENT) {
			ct->qerr = 0;
			return 0;
		}
		note(ct, saved);
		errno = saved;
		return -1;
	}
	ct->qerr = 0;
	return f->found;
}

/* Whether queries are allowed: a tuple nobody uses answers ENOENT. */
static void
probe(struct ct *ct)
{
	struct ctflow	f;

	memset(&f, 0, sizeof(f));
	f.family = 4;
	f.proto = IPPROTO_TCP;
	memcpy(f.a, "\177\0\0\1", 4);
	memcpy(f.b, "\177\0\0\1", 4);
	ct->next_probe = bw_mono() + CT_PROBE;
	(void)get(ct, &f, f.a, 0, f.b, 0);
}

static void
handle_open(struct ct *ct)
{
	struct timeval	tv = { 0, CT_WAIT_US };
	int		fd, saved;

	ct->next_open = bw_mono() + CT_REOPEN;
	if ((ct->h = nfct_open(CONNTRACK, 0)) == NULL) {
		(void)snprintf(ct->openerr, sizeof(ct->openerr),
		    "netlink: %s", strerror(errno));
		return;
	}
	fd = nfct_fd(ct->h);
	/* Never wait long for an answer; alert_command must not inherit. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) == -1 ||
	    nfct_callback_register(ct->h, NFCT_T_ALL, got, ct) == -1) {
		saved = errno;
		(void)nfct_close(ct->h);
		ct->h = NULL;
		(void)snprintf(ct->openerr, sizeof(ct->openerr),
		    "netlink: %s", strerror(saved));
		return;
	}
	ct->openerr[0] = '\0';
	ct->qerr = 0;
	probe(ct);
}

struct ct *
ct_open(void)
{
	struct ct	*ct;

	if ((ct = calloc(1, sizeof(*ct))) == NULL)
		return NULL;
	handle_open(ct);
	return ct;
}

void
ct_close(struct ct *ct)
{
	if (ct == NULL)
		return;
	if (ct->h != NULL)
		(void)nfct_close(ct->h);
	free(ct);
}

/*
 * Unavailable (no module, no netlink, no permission), inactive (nothing
 * tracked here: no rule uses conntrack in this namespace), accounting
 * off, or ok.  Two small reads; a netlink probe at most once a minute.
 */
int
ct_status(struct ct *ct)
{
	long long	count, acct;
	double		m;

	ct->why[0] = '\0';
	if (readnum("nf_conntrack_count", &count) == -1) {
		(void)snprintf(ct->why, sizeof(ct->why),
		    "nf_conntrack is not loaded (nf_conntrack_count: %s)",
		    strerror(errno));
		return CT_UNAVAILABLE;
	}
	m = bw_mono();
	if (ct->h == NULL && m >= ct->next_open)
		handle_open(ct);
	if (ct->h == NULL) {
		(void)snprintf(ct->why, sizeof(ct->why), "%s", ct->openerr);
		return CT_UNAVAILABLE;
	}
	if (m >= ct->next_probe)
		probe(ct);
	if (ct->qerr != 0) {
		(void)snprintf(ct->why, sizeof(ct->why), "query: %s%s",
		    strerror(ct->qerr), ct->qerr == EPERM ||
		    ct->qerr == EACCES ? " (needs CAP_NET_ADMIN)" : "");
		return CT_UNAVAILABLE;
	}
	if (count == 0)
		return CT_INACTIVE;
	if (readnum("nf_conntrack_acct", &acct) == -1) {
		(void)snprintf(ct->why, sizeof(ct->why),
		    "nf_conntrack_acct: %s", strerror(errno));
		return CT_UNAVAILABLE;
	}
	return acct == 0 ? CT_ACCT_OFF : CT_OK;
}

const char *
ct_status_name(int st)
{
	switch (st) {
	case CT_OK:
		return "ok";
	case CT_ACCT_OFF:
		return "accounting off";
	case CT_INACTIVE:
		return "inactive";
	default:
		return "unavailable";
	}
}

const char *
ct_status_fix(int st)
{
	switch (st) {
	case CT_OK:
		return "";
	case CT_ACCT_OFF:
		return "sysctl -w net.netfilter.nf_conntrack_acct=1";
	case CT_INACTIVE:
		return "no rule uses conntrack in this network namespace; "
		    "e.g. nft add table inet bwmon; nft add chain inet bwmon "
		    "c '{ type filter hook output priority 0; }'; "
		    "nft add rule inet bwmon c ct state new counter";
	default:
		return "modprobe nf_conntrack_netlink; run as root or with "
		    "CAP_NET_ADMIN";
	}
}

const char *
ct_status_why(const struct ct *ct)
{
	return ct->why;
}

/*
 * The flow a <-> b: first the tuple a -> b, which conntrack's hash
 * finds as the original or the reply direction; then b -> a, which
 * finds it when the capture saw the far side of a NAT (the reply tuple
 * holds the translated address, turned round).
 */
int
ct_lookup(struct ct *ct, struct ctflow *f)
{
	int	rv;

	f->found = f->a_is_orig = f->counters = 0;
	f->state[0] = '\0';
	f->bytes = f->packets = 0;
	if ((f->family != 4 && f->family != 6) ||
	    (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)) {
		errno = EINVAL;
		return -1;
	}
	if (ct->h == NULL) {
		errno = ENOTCONN;
		return -1;
	}
	if ((rv = get(ct, f, f->a, f->aport, f->b, f->bport)) != 0)
		return rv == 1 ? 0 : -1;
	return get(ct, f, f->b, f->bport, f->a, f->aport) == -1 ? -1 : 0;
}
