/*
 * What the kernel side (sockowner.bpf.c) hands bwprocs (bpfowner.c)
 * through its ring buffer: one event per new flow of a socket.  Shared
 * by both sides, so only fixed-size kernel types.
 */
#ifndef BWPROCS_SOCKOWNER_H
#define BWPROCS_SOCKOWNER_H

#include <linux/types.h>

/*
 * The ring: 64 KB, ~680 events.  Mapped twice over, its pages count in
 * bwprocs' RSS; the kernel side wakes bwprocs when it is half full, so
 * it never has to be larger than what arrives between two reads.
 */
#define SO_RING_BYTES	(1 << 16)
#define SO_RING_WAKE	(SO_RING_BYTES / 2)
#define SO_COMM_LEN	16

/* Who created a socket (or first used it, for one older than us). */
struct so_owner {
	__u32	tgid;
	__u32	uid;
	__u64	cgid;			/* its cgroup2 id: a directory inode */
	__u64	cookie;			/* the socket's */
	char	comm[SO_COMM_LEN];
};

/*
 * A flow from its socket's side: IPv4 in the first 4 bytes of an
 * address, ports in host order.  48 bytes: compared 8 at a time.
 */
struct so_flow {
	__u8	laddr[16];
	__u8	raddr[16];
	__u16	lport, rport;
	__u8	family, proto;		/* 4 or 6; IPPROTO_TCP or _UDP */
	__u8	pad[10];
};

struct so_event {
	struct so_flow	flow;
	struct so_owner	owner;
};

#endif /* BWPROCS_SOCKOWNER_H */
