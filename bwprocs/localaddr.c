/*
 * The addresses of our network namespace, which tell which end of a
 * connection is ours, and the state of the monitored interface.  The
 * set is read with getifaddrs(3) again whenever rtnetlink reports an
 * address or link change.
 */
#include <sys/socket.h>
#include <sys/types.h>

#include <net/if.h>
#include <netinet/in.h>
#include <linux/if_packet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "localaddr.h"

#define BCAST_MAX	32

struct localaddr {
	uint8_t		(*v4)[4];
	size_t		  n4;
	uint8_t		(*v6)[16];
	size_t		  n6;
	uint8_t		  bcast[BCAST_MAX][4];	/* IPv4 broadcast addresses */
	size_t		  nbcast;
	uint8_t		  mac[6];	/* of the monitored interface */
	int		  havemac;
	int		  ifindex;	/* 0: missing */
	int		  ifup;
	int		  nlfd;		/* rtnetlink, -1 if none */
	int		  dirty;
};

static int
cmp4(const void *a, const void *b)
{
	return memcmp(a, b, 4);
}

static int
cmp16(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

struct localaddr *
la_new(void)
{
	struct localaddr	*la;

	if ((la = calloc(1, sizeof(*la))) == NULL)
		return NULL;
	la->nlfd = -1;
	la->dirty = 1;
	return la;
}

/* Open the rtnetlink socket; -1 on failure. */
int
la_watch(struct localaddr *la)
{
	struct sockaddr_nl	sa;
	int			saved;

	la->nlfd = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    NETLINK_ROUTE);
	if (la->nlfd == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR;
	if (bind(la->nlfd, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		saved = errno;
		(void)close(la->nlfd);
		la->nlfd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

void
la_free(struct localaddr *la)
{
	if (la == NULL)
		return;
	free(la->v4);
	free(la->v6);
	if (la->nlfd != -1)
		(void)close(la->nlfd);
	free(la);
}

int
la_fd(const struct localaddr *la)
{
	return la->nlfd;
}

int
la_changed(const struct localaddr *la)
{
	return la->dirty;
}

void
la_invalidate(struct localaddr *la)
{
	la->dirty = 1;
}

int
la_ifindex(const struct localaddr *la)
{
	return la->ifindex;
}

int
la_ifup(const struct localaddr *la)
{
	return la->ifup;
}

const uint8_t *
la_mac(const struct localaddr *la)
{
	return la->havemac ? la->mac : NULL;
}

/* Read what rtnetlink has to say; any news (or lost news) is dirty. */
void
la_drain(struct localaddr *la)
{
	char	buf[8192];
	ssize_t	n;

	if (la->nlfd == -1)
		return;
	for (;;) {
		n = recv(la->nlfd, buf, sizeof(buf), 0);
		if (n > 0) {
			la->dirty = 1;
			continue;
		}
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1 && errno == ENOBUFS) {
			la->dirty = 1;
			continue;
		}
		break;
	}
}

static int
grow(void *pp, size_t *cap, size_t n, size_t size)
{
	void	*np;
	size_t	 ncap;

	if (n < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 16;
	if ((np = reallocarray(*(void **)pp, ncap, size)) == NULL)
		return -1;
	*(void **)pp = np;
	*cap = ncap;
	return 0;
}

/*
 * Read the address set and the state of iface.  Returns 0, or -1 when
 * getifaddrs fails (the old set stays).
 */
int
la_refresh(struct localaddr *la, const char *iface)
{
	struct ifaddrs		*ifa, *i;
	struct sockaddr_ll	*ll;
	uint8_t			(*v4)[4] = NULL, (*v6)[16] = NULL;
	size_t			 n4 = 0, n6 = 0, c4 = 0, c6 = 0;

	if (getifaddrs(&ifa) == -1)
		return -1;
	la->havemac = 0;
	la->ifup = 0;
	la->nbcast = 0;
	la->ifindex = (int)if_nametoindex(iface);
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL)
			continue;
		switch (i->ifa_addr->sa_family) {
		case AF_INET:
			if (grow(&v4, &c4, n4, sizeof(*v4)) == -1)
				goto fail;
			memcpy(v4[n4++], &((struct sockaddr_in *)(void *)
			    i->ifa_addr)->sin_addr, 4);
			if ((i->ifa_flags & IFF_BROADCAST) &&
			    i->ifa_broadaddr != NULL &&
			    i->ifa_broadaddr->sa_family == AF_INET &&
			    la->nbcast < BCAST_MAX)
				memcpy(la->bcast[la->nbcast++],
				    &((struct sockaddr_in *)(void *)
				    i->ifa_broadaddr)->sin_addr, 4);
			break;
		case AF_INET6:
			if (grow(&v6, &c6, n6, sizeof(*v6)) == -1)
				goto fail;
			memcpy(v6[n6++], &((struct sockaddr_in6 *)(void *)
			    i->ifa_addr)->sin6_addr, 16);
			break;
		case AF_PACKET:
			if (strcmp(i->ifa_name, iface) != 0)
				break;
			la->ifup = (i->ifa_flags & IFF_UP) != 0;
			ll = (struct sockaddr_ll *)(void *)i->ifa_addr;
			if (ll->sll_halen == 6) {
				memcpy(la->mac, ll->sll_addr, 6);
				la->havemac = 1;
			}
			break;
		}
	}
	freeifaddrs(ifa);
	if (n4 > 1)
		qsort(v4, n4, sizeof(*v4), cmp4);
	if (n6 > 1)
		qsort(v6, n6, sizeof(*v6), cmp16);
	free(la->v4);
	free(la->v6);
	la->v4 = v4;
	la->n4 = n4;
	la->v6 = v6;
	la->n6 = n6;
	la->dirty = 0;
	return 0;
fail:
	freeifaddrs(ifa);
	free(v4);
	free(v6);
	return -1;
}

int
la_is_mcast(int family, const uint8_t *a)
{
	if (family == 4)
		return (a[0] & 0xf0) == 0xe0 ||
		    (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
	return a[0] == 0xff;
}

/* Is a (family 4 or 6) an address of ours? */
int
la_is_local(const struct localaddr *la, int family, const uint8_t *a)
{
	size_t	i;

	if (family == 4) {
		if (la->n4 > 0 && bsearch(a, la->v4, la->n4, sizeof(*la->v4),
		    cmp4) != NULL)
			return 1;
		for (i = 0; i < la->nbcast; i++)
			if (memcmp(a, la->bcast[i], 4) == 0)
				return 1;
		return 0;
	}
	return la->n6 > 0 && bsearch(a, la->v6, la->n6, sizeof(*la->v6),
	    cmp16) != NULL;
}
