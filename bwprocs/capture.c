/*
 * The capture: libpcap on a live interface (headers only, a large ring
 * so bursts at 10 Gbit/s fit, a 100 ms block timeout, non-blocking, the
 * caller polls), or a savefile for -r.  No filter: every frame the
 * interface counts is seen, and what is not TCP or UDP counts as other.
 */
#include <net/if.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <pcap/pcap.h>

#include "bwprocs.h"

struct dispatch_ctx {
	struct capture	*cap;
	cap_fn		 fn;
	void		*arg;
};

int
cap_is_open(const struct capture *c)
{
	return c->p != NULL;
}

static void
setup_dlt(struct capture *c)
{
	c->dlt = pcap_datalink(c->p);
	/* The "any" device: SLL2 carries the interface and direction. */
	if (c->dlt == DLT_LINUX_SLL &&
	    pcap_set_datalink(c->p, DLT_LINUX_SLL2) == 0)
		c->dlt = DLT_LINUX_SLL2;
}

/*
 * Open iface.  CAP_OK; CAP_AGAIN when it is missing or down (worth
 * another try later); CAP_FATAL when capture cannot work (permission).
 * err gets the reason.
 */
int
cap_open_live(struct capture *c, const char *iface, int bufmb, char *err,
    size_t errlen)
{
	char	 ebuf[PCAP_ERRBUF_SIZE];
	pcap_t	*p;
	int	 rc;

	c->p = NULL;
	c->fd = -1;
	ebuf[0] = '\0';
	if ((p = pcap_create(iface, ebuf)) == NULL) {
		(void)snprintf(err, errlen, "%s", ebuf);
		return CAP_FATAL;
	}
	(void)pcap_set_snaplen(p, BWP_SNAPLEN);
	(void)pcap_set_promisc(p, 0);
	(void)pcap_set_timeout(p, CAP_TIMEOUT_MS);
	(void)pcap_set_buffer_size(p, bufmb << 20);
	(void)pcap_set_immediate_mode(p, 0);
	rc = pcap_activate(p);
	if (rc < 0) {
		if (*pcap_geterr(p) == '\0' ||
		    strcmp(pcap_geterr(p), pcap_statustostr(rc)) == 0)
			(void)snprintf(err, errlen, "%s", pcap_statustostr(rc));
		else
			(void)snprintf(err, errlen, "%s (%s)",
			    pcap_statustostr(rc), pcap_geterr(p));
		if (rc == PCAP_ERROR_PERM_DENIED)
			(void)snprintf(err + strlen(err), errlen - strlen(err),
			    "; it needs CAP_NET_RAW");
		pcap_close(p);
		switch (rc) {
		case PCAP_ERROR_NO_SUCH_DEVICE:
		case PCAP_ERROR_IFACE_NOT_UP:
			return CAP_AGAIN;
		case PCAP_ERROR:
			/* ENODEV/ENXIO races show up as a plain error. */
			if (if_nametoindex(iface) == 0)
				return CAP_AGAIN;
			return CAP_FATAL;
		default:
			return CAP_FATAL;
		}
	}
	if (rc > 0)
		(void)snprintf(err, errlen, "%s: %s", pcap_statustostr(rc),
		    pcap_geterr(p));
	else
		err[0] = '\0';
	if (pcap_setnonblock(p, 1, ebuf) == -1) {
		(void)snprintf(err, errlen, "non-blocking mode: %s", ebuf);
		pcap_close(p);
		return CAP_FATAL;
	}
	c->p = p;
	c->fd = pcap_get_selectable_fd(p);
	c->ifindex = (int)if_nametoindex(iface);
	c->last_drop = 0;
	setup_dlt(c);
	return CAP_OK;
}

int
cap_open_file(struct capture *c, const char *path, char *err, size_t errlen)
{
	char	ebuf[PCAP_ERRBUF_SIZE];

	c->fd = -1;
	ebuf[0] = '\0';
	if ((c->p = pcap_open_offline(path, ebuf)) == NULL) {
		(void)snprintf(err, errlen, "%s", ebuf);
		return CAP_FATAL;
	}
	c->dlt = pcap_datalink(c->p);
	return CAP_OK;
}

static void
on_pcap(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct dispatch_ctx	*d = (struct dispatch_ctx *)(void *)user;

	d->cap->packets++;
	d->cap->bytes += h->len;
	d->fn(d->arg, data, h->caplen, h->len,
	    (double)h->ts.tv_sec + (double)h->ts.tv_usec / 1e6);
}

/*
 * Hand up to max packets (-1: all that are ready) to fn.  The number
 * handed, 0 when none was ready (or at the end of a file), -1 on error
 * with err set.
 */
int
cap_dispatch(struct capture *c, int max, cap_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct dispatch_ctx	d;
	int			n;

	d.cap = c;
	d.fn = fn;
	d.arg = arg;
	n = pcap_dispatch(c->p, max, on_pcap, (u_char *)&d);
	if (n == PCAP_ERROR || n == PCAP_ERROR_BREAK) {
		(void)snprintf(err, errlen, "%s", pcap_geterr(c->p));
		return -1;
	}
	return n < 0 ? -1 : n;
}

/* Add the ring's drops since the last call (u_int: modulo 2^32). */
void
cap_stats(struct capture *c)
{
	struct pcap_stat	ps;

	if (c->p == NULL || c->fd == -1)
		return;
	if (pcap_stats(c->p, &ps) == -1)
		return;
	c->drops += (unsigned)(ps.ps_drop - c->last_drop);
	c->last_drop = ps.ps_drop;
}

void
cap_close(struct capture *c)
{
	if (c->p != NULL) {
		cap_stats(c);
		pcap_close(c->p);
	}
	c->p = NULL;
	c->fd = -1;
}
