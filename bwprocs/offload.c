/*
 * Forwarded flows' bytes from conntrack (offload.h).  Two netlink
 * handles: one dumps the table (IPv4 and IPv6), the other, non-blocking,
 * holds the destroy events, which carry a flow's last counters: a flow
 * that ends between two dumps is counted to its last byte.  The counters
 * are there only for flows that began with nf_conntrack_acct on, and an
 * offloaded flow's only move when its flowtable has the counter flag.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ctdelta.h"
#include "offload.h"

#define OFL_EVENTS	(1 << 20)	/* receive buffer for the events */
#define OFL_RECVS	16384		/* event reads a second, at most */
#define OFL_DELETE	((NFNL_SUBSYS_CTNETLINK << 8) | IPCTNL_MSG_CT_DELETE)

struct offload {
	struct nfct_handle	*dump, *ev;
	struct ctd		 t;
	int			 complete;	/* the dump went to its end */
};

/* f from conntrack's c: -1 when it has no id or no counters. */
static int
flow_of(const struct nf_conntrack *c, struct ctd_flow *f)
{
	const void	*os, *rs;
	size_t		 len;

	memset(f, 0, sizeof(*f));
	if (nfct_attr_is_set(c, ATTR_ID) <= 0 ||
	    nfct_attr_is_set(c, ATTR_ORIG_COUNTER_BYTES) <= 0)
		return -1;
	f->family = nfct_get_attr_u8(c, ATTR_L3PROTO);
	if (f->family == AF_INET) {
		os = nfct_get_attr(c, ATTR_ORIG_IPV4_SRC);
		rs = nfct_get_attr(c, ATTR_REPL_IPV4_SRC);
		len = 4;
	} else if (f->family == AF_INET6) {
		os = nfct_get_attr(c, ATTR_ORIG_IPV6_SRC);
		rs = nfct_get_attr(c, ATTR_REPL_IPV6_SRC);
		len = 16;
	} else
		return -1;
	if (os == NULL || rs == NULL)
		return -1;
	memcpy(f->osrc, os, len);
	memcpy(f->rsrc, rs, len);
	f->id = nfct_get_attr_u32(c, ATTR_ID);
	f->obytes = nfct_get_attr_u64(c, ATTR_ORIG_COUNTER_BYTES);
	if (nfct_attr_is_set(c, ATTR_REPL_COUNTER_BYTES) > 0)
		f->rbytes = nfct_get_attr_u64(c, ATTR_REPL_COUNTER_BYTES);
	return 0;
}

static int
on_dump(enum nf_conntrack_msg_type type, struct nf_conntrack *c, void *arg)
{
	struct offload	*o = arg;
	struct ctd_flow	 f;

	(void)type;
	if (flow_of(c, &f) == 0 && ctd_seen(&o->t, &f) == -1)
		o->complete = 0;
	return NFCT_CB_CONTINUE;
}

/*
 * The destroy events queued, read a message at a time (at most
 * OFL_RECVS: a flood waits for the next second, in the socket's
 * buffer).  1 when the kernel dropped some, the buffer being full.
 */
static int
events_read(struct offload *o)
{
	union {
		struct nlmsghdr	h;
		char		b[8192];
	} buf;
	struct nlmsghdr		*h;
	struct nf_conntrack	*c;
	struct ctd_flow		 f;
	ssize_t			 n;
	int			 i, len, lost = 0;

	for (i = 0; i < OFL_RECVS; i++) {
		if ((n = recv(nfct_fd(o->ev), &buf, sizeof(buf),
		    MSG_DONTWAIT)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno != ENOBUFS)
				break;
			lost = 1;
			continue;
		}
		len = (int)n;
		for (h = &buf.h; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type != OFL_DELETE ||
			    (c = nfct_new()) == NULL)
				continue;
			if (nfct_nlmsg_parse(h, c) == 0 && flow_of(c, &f) == 0)
				(void)ctd_gone(&o->t, &f);
			nfct_destroy(c);
		}
	}
	return lost;
}

static int
setup(struct nfct_handle *h, int nonblock)
{
	struct timeval	tv = { 1, 0 };
	int		fd = nfct_fd(h), size = OFL_EVENTS;

	if (fcntl(fd, F_SETFD, FD_CLOEXEC) == -1)
		return -1;
	if (nonblock)
		return fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) ==
		    -1 || (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size,
		    sizeof(size)) == -1 && setsockopt(fd, SOL_SOCKET,
		    SO_RCVBUF, &size, sizeof(size)) == -1) ? -1 : 0;
	/* A dump never waits long for the kernel. */
	return setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
}

struct offload *
ofl_open(ctd_lan_fn lan, void *arg, char *why, size_t size)
{
	struct offload	*o;
	int		 saved;

	if ((o = calloc(1, sizeof(*o))) == NULL) {
		(void)snprintf(why, size, "%s", strerror(errno));
		return NULL;
	}
	ctd_init(&o->t, lan, arg);
	if ((o->dump = nfct_open(CONNTRACK, 0)) == NULL ||
	    (o->ev = nfct_open(CONNTRACK, NF_NETLINK_CONNTRACK_DESTROY)) ==
	    NULL || setup(o->dump, 0) == -1 || setup(o->ev, 1) == -1 ||
	    nfct_callback_register(o->dump, NFCT_T_ALL, on_dump, o) == -1) {
		saved = errno;
		(void)snprintf(why, size, "conntrack netlink: %s%s",
		    strerror(saved), saved == EPERM ? " (needs CAP_NET_ADMIN)" :
		    "");
		ofl_close(o);
		errno = saved;
		return NULL;
	}
	return o;
}

int
ofl_read(struct offload *o, char *why, size_t size)
{
	uint32_t	family = AF_UNSPEC;
	int		saved;

	why[0] = '\0';
	/* The kernel dropped events: those flows' last bytes. */
	if (events_read(o))
		(void)snprintf(why, size, "conntrack events lost (the "
		    "socket's buffer was full): some offloaded flows' last "
		    "bytes are not counted");
	ctd_begin(&o->t);
	o->complete = 1;
	if (nfct_query(o->dump, NFCT_Q_DUMP, &family) == -1) {
		saved = errno;
		ctd_end(&o->t, 0);
		(void)snprintf(why, size, "conntrack dump: %s",
		    strerror(saved));
		errno = saved;
		return -1;
	}
	ctd_end(&o->t, o->complete);
	return 0;
}

uint64_t
ofl_counted(const struct offload *o)
{
	return o->t.counted;
}

void
ofl_close(struct offload *o)
{
	if (o == NULL)
		return;
	if (o->dump != NULL)
		(void)nfct_close(o->dump);
	if (o->ev != NULL)
		(void)nfct_close(o->ev);
	ctd_free(&o->t);
	free(o);
}
