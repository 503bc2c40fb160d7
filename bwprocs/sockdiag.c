/*
 * sock_diag exact lookups: one netlink request per new connection finds
 * its socket (inode, uid, state) in our network namespace, the way the
 * kernel would deliver a packet, so an unconnected UDP socket bound to
 * the port is found too.  No capability is needed.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sockdiag.h"

struct sockdiag {
	int		fd;
	uint32_t	seq;
	int		ok[2][2];	/* [v6][udp]: lookups work */
};

struct diag_req {
	struct nlmsghdr		nlh;
	struct inet_diag_req_v2	r;
};

static void
put_endp(__be16 *port, __be32 *addr, int family, const struct endp *e)
{
	*port = htons(e->port);
	memset(addr, 0, 16);
	memcpy(addr, e->addr, family == 4 ? 4 : 16);
}

/*
 * Look up the socket of a (family 4 or 6, proto 6 or 17) connection
 * between local and remote.  ifindex scopes link-local addresses.
 * Returns 1 and fills *si, 0 when there is no such socket, -1 on error.
 */
static int
lookup(struct sockdiag *sd, int family, int proto, const struct endp *local,
    const struct endp *remote, int ifindex, struct sockinfo *si)
{
	struct diag_req		 req;
	union {
		char			buf[8192];
		struct nlmsghdr		align;
	} u;
	struct nlmsghdr		*h;
	struct nlmsgerr		*e;
	struct inet_diag_msg	*m;
	ssize_t			 n;
	int			 len;

	memset(&req, 0, sizeof(req));
	req.nlh.nlmsg_len = sizeof(req);
	req.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	req.nlh.nlmsg_flags = NLM_F_REQUEST;
	req.nlh.nlmsg_seq = ++sd->seq;
	req.r.sdiag_family = family == 4 ? AF_INET : AF_INET6;
	req.r.sdiag_protocol = (uint8_t)proto;
	req.r.idiag_states = ~0U;
	/* TCP looks up (src = local); UDP as a packet arriving at dst. */
	if (proto == IPPROTO_TCP) {
		put_endp(&req.r.id.idiag_sport, req.r.id.idiag_src, family,
		    local);
		put_endp(&req.r.id.idiag_dport, req.r.id.idiag_dst, family,
		    remote);
	} else {
		put_endp(&req.r.id.idiag_sport, req.r.id.idiag_src, family,
		    remote);
		put_endp(&req.r.id.idiag_dport, req.r.id.idiag_dst, family,
		    local);
	}
	req.r.id.idiag_if = (uint32_t)ifindex;
	req.r.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
	req.r.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (send(sd->fd, &req, sizeof(req), 0) == -1)
		return -1;
	for (;;) {
		n = recv(sd->fd, u.buf, sizeof(u.buf), 0);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		len = (int)n;
		for (h = &u.align; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_seq != sd->seq)
				continue;	/* a late answer */
			if (h->nlmsg_type == NLMSG_ERROR) {
				if (h->nlmsg_len < NLMSG_LENGTH(sizeof(*e))) {
					errno = EPROTO;
					return -1;
				}
				e = NLMSG_DATA(h);
				if (e->error == 0)
					continue;
				if (e->error == -ENOENT)
					return 0;
				errno = -e->error;
				return -1;
			}
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
			    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
				continue;
			m = NLMSG_DATA(h);
			memset(si, 0, sizeof(*si));
			si->inode = m->idiag_inode;
			si->uid = m->idiag_uid;
			si->state = m->idiag_state;
			si->exact = 1;
			return 1;
		}
	}
}

struct sockdiag *
sd_open(void)
{
	struct timeval	 tv = { 0, 200000 };
	struct endp	 a;
	struct sockinfo	 si;
	struct sockdiag	*sd;
	int		 v6, udp, saved;

	if ((sd = calloc(1, sizeof(*sd))) == NULL)
		return NULL;
	sd->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC,
	    NETLINK_SOCK_DIAG);
	if (sd->fd == -1) {
		saved = errno;
		free(sd);
		errno = saved;
		return NULL;
	}
	/* Never wait long for an answer that does not come. */
	(void)setsockopt(sd->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	/* Which lookups work here: a tuple nobody has gives ENOENT. */
	memset(&a, 0, sizeof(a));
	a.addr[15] = 1;
	for (v6 = 0; v6 < 2; v6++)
		for (udp = 0; udp < 2; udp++) {
			if (!v6)
				memcpy(a.addr, "\177\0\0\1", 4);
			else {
				memset(a.addr, 0, 16);
				a.addr[15] = 1;
			}
			sd->ok[v6][udp] = lookup(sd, v6 ? 6 : 4,
			    udp ? IPPROTO_UDP : IPPROTO_TCP, &a, &a, 0,
			    &si) != -1;
		}
	return sd;
}

void
sd_close(struct sockdiag *sd)
{
	if (sd == NULL)
		return;
	if (sd->fd >= 0)
		(void)close(sd->fd);
	free(sd);
}

/* As lookup(), -1 with ENOTSUP when this kind cannot be looked up. */
int
sd_lookup(struct sockdiag *sd, int family, int proto,
    const struct endp *local, const struct endp *remote, int ifindex,
    struct sockinfo *si)
{
	if (sd == NULL || !sd->ok[family == 6][proto == IPPROTO_UDP]) {
		errno = ENOTSUP;
		return -1;
	}
	return lookup(sd, family, proto, local, remote, ifindex, si);
}
