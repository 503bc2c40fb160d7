/*
 * The addresses of our network namespace and the state of the monitored
 * interface (localaddr.c).
 */
#ifndef BWPROCS_LOCALADDR_H
#define BWPROCS_LOCALADDR_H

#include <stddef.h>
#include <stdint.h>

struct localaddr {
	uint8_t		(*v4)[4];
	size_t		  n4;
	uint8_t		(*v6)[16];
	size_t		  n6;
	uint8_t		  bcast[32][4];	/* IPv4 broadcast addresses */
	size_t		  nbcast;
	uint8_t		  mac[6];	/* of the monitored interface */
	int		  havemac;
	int		  ifindex;	/* 0: missing */
	int		  ifup;
	int		  nlfd;		/* rtnetlink, -1 if none */
	int		  dirty;
};

int	la_init(struct localaddr *, int);
int	la_refresh(struct localaddr *, const char *);
void	la_drain(struct localaddr *);
void	la_free(struct localaddr *);
int	la_is_local(const struct localaddr *, int, const uint8_t *);
int	la_is_mcast(int, const uint8_t *);

#endif /* BWPROCS_LOCALADDR_H */
