/*
 * sockowner: the kernel side of bwprocs' owners (bpfowner.c loads it).
 * It names owners and counts nothing: the capture stays the byte
 * counter.
 *
 * A socket gets its owner (tgid, uid, cgroup id, cookie, comm) when it
 * is created (cgroup/sock_create, in the creating task); a socket that
 * was there before bwprocs started gets it at its first connect,
 * sendmsg or recvmsg, which also run in the owning task.  A socket
 * accepted from a listener inherits the listener's (BPF_F_CLONE).  The
 * storage lives and dies with the socket, so nothing here needs
 * trimming.
 *
 * The packets of a socket (cgroup_skb egress and ingress) tell which
 * flow it carries: each new flow of a socket goes to user space once,
 * through the ring buffer (when the ring is full, at its next packet).  Those programs may run in softirq, so they
 * never look at the current task: the owner is the socket's.
 *
 * Attached at the root of the cgroup2 tree, every process is below, in
 * every network namespace.  Only UAPI types are used (no vmlinux.h):
 * the object works on every kernel that has these hooks.
 */
#include <linux/bpf.h>
#include <linux/in.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "sockowner.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * Set before loading.  Some kernels let cgroup programs read the
 * task's comm only with CAP_PERFMON (6.18), some not at all: then
 * bwprocs loads with 0, the verifier drops the call, and bwprocs reads
 * the name in /proc.
 */
const volatile int with_comm = 1;

struct sockstate {
	struct so_owner	o;
	struct so_flow	last;		/* the last flow sent up */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct sockstate);
} so_sock SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, SO_RING_BYTES);
} so_events SEC(".maps");

/* The current task's storage on sk, made when it has none. */
static __always_inline void
own(struct bpf_sock *sk, void *ctx_cookie)
{
	struct sockstate	*st;
	__u64			 id;

	if (sk == NULL)
		return;
	st = bpf_sk_storage_get(&so_sock, sk, 0, 0);
	if (st != NULL)
		return;
	st = bpf_sk_storage_get(&so_sock, sk, 0,
	    BPF_SK_STORAGE_GET_F_CREATE);
	if (st == NULL)
		return;
	id = bpf_get_current_pid_tgid();
	st->o.tgid = (__u32)(id >> 32);
	st->o.uid = (__u32)bpf_get_current_uid_gid();
	st->o.cgid = bpf_get_current_cgroup_id();
	st->o.cookie = bpf_get_socket_cookie(ctx_cookie);
	if (with_comm)
		bpf_get_current_comm(st->o.comm, sizeof(st->o.comm));
}

SEC("cgroup/sock_create")
int
so_create(struct bpf_sock *sk)
{
	if (sk->protocol == IPPROTO_TCP || sk->protocol == IPPROTO_UDP)
		own(sk, sk);
	return 1;
}

/*
 * connect, sendmsg and recvmsg run in the task that owns the socket:
 * the owner of one made before us.
 */
#define OWN_AT(name, section)						\
SEC(section)								\
int									\
name(struct bpf_sock_addr *ctx)						\
{									\
	own(ctx->sk, ctx);						\
	return 1;							\
}

OWN_AT(so_connect4, "cgroup/connect4")
OWN_AT(so_connect6, "cgroup/connect6")
OWN_AT(so_sendmsg4, "cgroup/sendmsg4")
OWN_AT(so_sendmsg6, "cgroup/sendmsg6")
OWN_AT(so_recvmsg4, "cgroup/recvmsg4")
OWN_AT(so_recvmsg6, "cgroup/recvmsg6")

/*
 * The flow of a packet, from its headers (the data begins at the
 * network header in both directions); 0 when it is not TCP or UDP.
 */
static __always_inline int
flow_of(struct __sk_buff *skb, int egress, struct so_flow *f)
{
	__u8	 h[40];
	__u16	 ports[2];
	__u32	 off;
	int	 i;

	__builtin_memset(f, 0, sizeof(*f));
	if (skb->protocol == bpf_htons(0x0800)) {
		if (bpf_skb_load_bytes(skb, 0, h, 20) != 0)
			return 0;
		if ((h[6] & 0x3f) != 0 || h[7] != 0)
			return 0;	/* a fragment: no ports here */
		f->family = 4;
		f->proto = h[9];
		off = (__u32)(h[0] & 0x0f) * 4;
		for (i = 0; i < 4; i++) {
			f->laddr[i] = h[egress ? 12 + i : 16 + i];
			f->raddr[i] = h[egress ? 16 + i : 12 + i];
		}
	} else if (skb->protocol == bpf_htons(0x86dd)) {
		if (bpf_skb_load_bytes(skb, 0, h, 40) != 0)
			return 0;
		f->family = 6;
		f->proto = h[6];	/* extension headers: not followed */
		off = 40;
		for (i = 0; i < 16; i++) {
			f->laddr[i] = h[egress ? 8 + i : 24 + i];
			f->raddr[i] = h[egress ? 24 + i : 8 + i];
		}
	} else
		return 0;
	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return 0;
	if (off < 20 || off > 60 ||
	    bpf_skb_load_bytes(skb, off, ports, sizeof(ports)) != 0)
		return 0;
	f->lport = bpf_ntohs(ports[egress ? 0 : 1]);
	f->rport = bpf_ntohs(ports[egress ? 1 : 0]);
	return 1;
}

static __always_inline int
same(const struct so_flow *a, const struct so_flow *b)
{
	const __u64	*x = (const __u64 *)a, *y = (const __u64 *)b;
	int		 i;

	for (i = 0; i < (int)(sizeof(*a) / 8); i++)
		if (x[i] != y[i])
			return 0;
	return 1;
}

/* A socket's packet: its flow goes up when it is a new one. */
static __always_inline int
flow_seen(struct __sk_buff *skb, int egress)
{
	struct so_event		 ev;
	struct sockstate	*st;
	struct bpf_sock		*sk;

	if ((sk = skb->sk) == NULL || (sk = bpf_sk_fullsock(sk)) == NULL)
		return 1;
	if ((st = bpf_sk_storage_get(&so_sock, sk, 0, 0)) == NULL)
		return 1;
	if (!flow_of(skb, egress, &ev.flow) || same(&ev.flow, &st->last))
		return 1;
	ev.owner = st->o;
	/*
	 * bwprocs reads the ring before it resolves and once a second;
	 * it is woken only when the ring is half full, so that a small
	 * ring is enough however many sockets the host makes.
	 */
	if (bpf_ringbuf_output(&so_events, &ev, sizeof(ev),
	    bpf_ringbuf_query(&so_events, BPF_RB_AVAIL_DATA) >=
	    SO_RING_WAKE ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP) == 0)
		st->last = ev.flow;
	return 1;
}

SEC("cgroup_skb/egress")
int
so_egress(struct __sk_buff *skb)
{
	return flow_seen(skb, 1);
}

SEC("cgroup_skb/ingress")
int
so_ingress(struct __sk_buff *skb)
{
	return flow_seen(skb, 0);
}
