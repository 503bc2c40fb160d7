/*
 * bwprocs: which process moves the bytes of one interface.  The parts
 * and what they share: the packet parser (packet.c), the connection and
 * row tables (table.c), the socket lookups (sockdiag.c, procnet.c), the
 * /proc scans (pidmap.c, procinfo.c), the local addresses (localaddr.c),
 * the pipeline that attributes new connections (resolve.c), the capture
 * (capture.c), the files written (output.c) and the main loop
 * (bwprocs.c).
 */
#ifndef BWPROCS_H
#define BWPROCS_H

#include <sys/types.h>

#include <stdint.h>

#include "conf.h"
#include "util.h"

#define BWP_SNAPLEN	192	/* headers only: L2 + IPv6 + options */
#ifndef CAP_TIMEOUT_MS
#define CAP_TIMEOUT_MS	20	/* ring block timeout: attribution latency */
#endif

/* ---- packet.c: untrusted bytes to a summary, bounds-checked. ---- */

enum { DIR_RX = 0, DIR_TX = 1, DIR_UNKNOWN = 2 };

struct pkt {
	uint32_t	len;		/* frame length (pkthdr.len) */
	uint8_t		dir;		/* DIR_*, from the link layer */
	uint8_t		family;		/* 4, 6, or 0: not IP */
	uint8_t		proto;		/* IP protocol */
	uint8_t		ports;		/* sport/dport are valid */
	uint8_t		tcpflags;
	uint8_t		src[16], dst[16];	/* IPv4 in the first 4 */
	uint16_t	sport, dport;	/* host order */
};

#define FRAG_SLOTS	256

struct fragslot {
	uint8_t		src[16], dst[16];
	uint32_t	id;
	uint16_t	sport, dport;
	uint8_t		family, proto, used;
};

/* The ports of first fragments, for the fragments that follow. */
struct fragcache {
	struct fragslot	slot[FRAG_SLOTS];
};

int	pkt_parse(int, const uint8_t *, const uint8_t *, uint32_t,
	    uint32_t, struct fragcache *, struct pkt *);
int	pkt_dlt_supported(int);

/* ---- table.c: connections and the rows they are credited to. ---- */

struct endp {
	uint8_t		addr[16];
	uint16_t	port;
};

enum { ROW_PROC, ROW_UNATTR };

/* The unattributed rows, in output order. */
enum {
	U_FORWARDED, U_UNKNOWN_TCP, U_UNKNOWN_UDP, U_CLOSED, U_OTHER, U_NROWS
};

struct row {
	struct row	*hnext;		/* hash chain by pid */
	struct row	*next;		/* list of process rows */
	int		 kind;
	pid_t		 pid;
	uint64_t	 start;		/* starttime: guards pid reuse */
	long long	 uid;		/* -1: unknown */
	uint64_t	 netns;
	char		*name, *exe, *cmdline, *user, *container;
	uint64_t	 tx, rx;	/* cumulative, before this interval */
	uint64_t	 itx, irx;	/* this interval */
	uint64_t	 inf, iinf;	/* of those, inferred */
	int		 nconns;	/* live connections */
	double		 last_seen;	/* last byte */
	double		 info_time;	/* process info read */
	uint64_t	 mtx, mrx;	/* tx + itx at the last sample */
};

enum { CS_LOOKUP, CS_INODE, CS_DONE };
enum { OPEN_UNKNOWN, OPEN_A, OPEN_B };

struct conn {
	struct conn	*hnext;		/* hash chain */
	struct conn	*lprev, *lnext;	/* LRU: head is the most recent */
	struct conn	*pprev, *pnext;	/* pending list */
	struct row	*owner;		/* NULL while pending */
	struct endp	 a, b;		/* a: the socket's end (or ours) */
	uint32_t	 hash;
	uint8_t		 family, proto;
	uint8_t		 alocal;	/* a is an address of our netns */
	uint8_t		 state;		/* CS_* */
	uint8_t		 tries;
	uint8_t		 closing;	/* FIN or RST seen */
	uint8_t		 pending;	/* on the pending list */
	uint8_t		 inode0;	/* socket seen without a file */
	uint8_t		 urgent;	/* seen by its SYN: look now */
	uint8_t		 vialistener;	/* its listener's process */
	uint8_t		 inferred;	/* its process was guessed */
	uint8_t		 opener;	/* OPEN_*: who sent the first SYN */
	uint64_t	 inode;
	uint64_t	 netns;		/* where the socket lives */
	double		 first, last, next_try;
	uint64_t	 out, in;	/* cumulative, a's view */
	uint64_t	 iout, iin;	/* this interval, a's view */
	uint64_t	 dout, din;	/* not yet credited, a's view */
	uint64_t	 dtx, drx;	/* not yet credited, interface's view */
	uint32_t	 ep;		/* the flow epoch of the last byte */
	uint64_t	 m_cur, m_prev;	/* out + in when it and the last began */
};

#define FLOW_EPOCH	2.0	/* seconds: the grain of recent bytes */

#define MAX_ROWS	65536

struct table {
	struct conn	**hash;
	uint32_t	  hmask;
	uint32_t	  seed;
	struct conn	 *lru_head, *lru_tail;
	size_t		  nconns, maxconns;
	struct conn	 *pend_head, *pend_tail;
	size_t		  npending;
	struct row	**rhash;
	uint32_t	  rhmask;
	struct row	 *rows;		/* process rows */
	size_t		  nrows;
	struct row	  unattr[U_NROWS];
	uint64_t	  evicted;
};

int	 tab_init(struct table *, size_t);
int	 tab_resize(struct table *, size_t);
void	 tab_free(struct table *);
struct conn *tab_conn(struct table *, const struct pkt *, int, int, int,
	    double);
void	 tab_credit(struct conn *, const struct pkt *, int, double);
void	 tab_note_syn(struct conn *, const struct pkt *);
void	 tab_credit_unattr(struct table *, int, int, uint32_t, double);
void	 tab_attach(struct table *, struct conn *, struct row *, double);
void	 tab_give_up(struct table *, struct conn *, int, double);
void	 tab_swap_ends(struct conn *);
void	 tab_pending_requeue(struct table *, struct conn *);
void	 tab_pending_front(struct table *, struct conn *);
void	 tab_expire(struct table *, double);
void	 tab_end_interval(struct table *, double);
struct row *tab_row_find(const struct table *, pid_t, uint64_t);
int	 tab_row_add(struct table *, struct row *);
void	 tab_rows_expire(struct table *, double, double);
void	 tab_row_free(struct row *);
int	 tab_unknown_label(const struct conn *);
uint64_t tab_conn_recent(const struct conn *, double);
void	 tab_rows_mark(struct table *);

/* ---- localaddr.c: the addresses of our network namespace. ---- */

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

/* ---- procnet.c, sockdiag.c: from a tuple to a socket. ---- */

struct sockinfo {
	uint64_t	inode;
	long long	uid;
	int		state;		/* TCP state, as in /proc/net/tcp */
	int		exact;		/* matched the remote end too */
};

#define TCP_ST_ESTABLISHED	1
#define TCP_ST_TIME_WAIT	6
#define TCP_ST_CLOSE		7
#define TCP_ST_LISTEN		10
#define TCP_ST_NEW_SYN_RECV	12

struct sockdiag {
	int		fd;
	uint32_t	seq;
	int		ok[2][2];	/* [v6][udp]: lookups work */
};

int	sd_open(struct sockdiag *);
void	sd_close(struct sockdiag *);
int	sd_lookup(struct sockdiag *, int, int, const struct endp *,
	    const struct endp *, int, struct sockinfo *);

/* A parsed /proc/<pid>/net/{tcp,udp}{,6} line. */
struct pnsock {
	uint8_t		family;
	struct endp	local, remote;
	int		state;
	long long	uid;
	uint64_t	inode;
};

typedef int	(*pn_fn)(const struct pnsock *, void *);

int	pn_read(const char *, int, pn_fn, void *);
int	pn_parse_line(const char *, int, struct pnsock *);

/* ---- pidmap.c: socket inode to process, network namespaces. ---- */

struct sockent {
	uint64_t	inode;		/* 0: empty slot */
	pid_t		pid;
	uint64_t	start;
};

struct socktab {
	struct sockent	*e;
	size_t		 cap, n;
};

struct pident {
	pid_t		pid;		/* 0: empty slot */
	uint64_t	start;
	uint64_t	netns;
	uint64_t	dino;		/* of /proc/<pid>; 0: not known */
};

struct pidtab {
	struct pident	*e;
	size_t		 cap, n;
};

#define NS_ADDRS	32
#define NEW_PIDS	8

struct nsent {
	uint64_t	ino;
	pid_t		pid;		/* one process inside */
	char		label[80];	/* "netns:NAME" or "netns:INODE" */
	int		seen;
	uint8_t		v4[NS_ADDRS][4];	/* its addresses */
	uint8_t		v6[NS_ADDRS][16];
	int		n4, n6;
	double		addr_time;	/* when they were read */
};

struct pidmap {
	char		 proc[256];	/* "/proc" */
	struct socktab	 socks;		/* socket inode -> process */
	struct pidtab	 pids;		/* the processes scanned */
	struct nsent	*ns;
	size_t		 nns, nscap;
	uint64_t	 selfns;
	double		 next_full, next_quick;
	double		 full_cost;	/* seconds the last full scan took */
	uint64_t	 nfull, nquick, npidscans;
	int		 fd_denied;	/* EACCES on some /proc/<pid>/fd */
	int		 scanned;	/* a full scan has been done */
	pid_t		 newest;	/* the highest pid seen (wraps) */
	pid_t		 newpids[NEW_PIDS];	/* the last quick scan found */
	int		 nnew;
	uint64_t	 want;		/* scans note where this inode is */
	pid_t		 want_pid;
	int		 want_fd;
	uint64_t	 nprobes;
};

int	 pm_init(struct pidmap *, const char *);
void	 pm_free(struct pidmap *);
int	 pm_full_scan(struct pidmap *, double);
int	 pm_quick_scan(struct pidmap *, double, int);
int	 pm_probe(struct pidmap *, pid_t, int, uint64_t);
int	 pm_rescan(struct pidmap *, const pid_t *, int);
const struct sockent *pm_find(const struct pidmap *, uint64_t);
int	 pm_proc_start(const char *, pid_t, uint64_t *);
uint64_t pm_pid_netns(const char *, pid_t);
const struct nsent *pm_ns_find(const struct pidmap *, uint64_t);
void	 pm_ns_addrs(struct pidmap *, double);
pid_t	 pm_ns_rep(struct pidmap *, uint64_t, double);
uint64_t pm_ns_owner(const struct pidmap *, int, const uint8_t *);

/* ---- procinfo.c: what a row says about its process. ---- */

int	 pi_fill(const char *, struct row *, uint64_t, const char *);
char	*pi_sanitize(const char *, size_t, size_t);
void	 pi_user_cache_free(void);

/* ---- resolve.c: attribution of new connections. ---- */

struct affinity;

#define HOT_PIDS	16
#define HOT_FDS		2

/* A process that made connections lately, and where it put them. */
struct hotpid {
	pid_t		pid;
	int		fd[HOT_FDS];	/* -1: none */
};

struct resolver {
	struct sockdiag	 sd;
	struct pidmap	 pm;
	const char	*proc;
	int		 ifindex;
	struct hotpid	 hot[HOT_PIDS];	/* most recent first */
	int		 nhot;
	double		 next_hot;
	double		 rate;		/* lookups a second, at most */
	double		 tokens, tok_time;
	int		 starved;	/* the last run ran out */
	double		 next_expire;
	uint64_t	 lookups, nsreads, found, givenup, limited;
	uint64_t	 viaprobe, vialistener, inferred;
	struct affinity	*aff;
};

int	res_init(struct resolver *, const char *);
void	res_set_rate(struct resolver *, double);
void	res_free(struct resolver *);
void	res_run(struct resolver *, struct table *, double, int);
double	res_next(const struct resolver *, const struct table *, double);

/* ---- capture.c: libpcap, live or from a file. ---- */

struct pcap;

struct capring {
	struct pcap	*p;
	int		 fd;		/* to poll; -1 for a file */
	unsigned	 last_drop;	/* pcap_stats baseline (mod 2^32) */
	int		 mb;		/* its size */
};

struct capture {
	struct capring	 ring;		/* the frames counted */
	struct capring	 next;		/* a handover's other ring */
	struct capring	 syn;		/* TCP SYNs at once: hints */
	const char	*iface;
	int		 dlt;
	int		 ifindex;	/* the interface captured */
	int		 file;		/* -r */
	int		 fanout;	/* group id + 1; 0: none */
	int		 phase;		/* of a handover */
	double		 phase_end;	/* monotonic */
	uint64_t	 drops;		/* since bwprocs started */
	uint64_t	 packets, bytes;
	uint64_t	 syns, discarded;
};

enum { CAP_OK, CAP_AGAIN, CAP_FATAL };

typedef void	(*cap_fn)(void *, const uint8_t *, uint32_t, uint32_t,
		    double);

int	cap_open_live(struct capture *, const char *, int, char *, size_t);
int	cap_open_file(struct capture *, const char *, char *, size_t);
int	cap_dispatch(struct capture *, int, cap_fn, void *, double, char *,
	    size_t);
int	cap_dispatch_syn(struct capture *, cap_fn, void *);
void	cap_syn_close(struct capture *);
int	cap_resize(struct capture *, int, double, char *, size_t);
int	cap_ring_mb(const struct capture *);
int	cap_busy(const struct capture *);
double	cap_next_event(const struct capture *);
int	cap_pollfds(const struct capture *, int *);
void	cap_stats(struct capture *);
void	cap_close(struct capture *);
int	cap_is_open(const struct capture *);

/* ---- output.c: the files. ---- */

struct procs_out {
	const char	*iface;
	double		 ts, interval, started;
	double		 rx_bps, tx_bps;	/* < 0: unknown */
	uint64_t	 rx_bytes, tx_bytes;	/* since start */
	uint64_t	 if_bytes;		/* in this interval, rx + tx */
	uint64_t	 packets, cap_bytes, drops, drops_interval;
	int		 buffer_mb;		/* the ring now; 0: none */
	const char	*state;
	double		 linger;
	int		 top;
};

#define LIVE_SAMPLES	120

struct live {
	double	ts[LIVE_SAMPLES], rx[LIVE_SAMPLES], tx[LIVE_SAMPLES];
	int	head, n;
};

/* A file bwprocs keeps replacing. */
struct outfile {
	const char	*path;
	char		 next[4200];	/* the hidden other name */
	int		 fd;		/* the inode under next */
	int		 pubfd;		/* the one published, if known */
	int		 mode;		/* -1: names cannot be exchanged */
};

int	out_file_init(struct outfile *, const char *);
void	out_file_close(struct outfile *);
int	out_procs(struct outfile *, const struct procs_out *,
	    const struct table *, double);
int	out_live(struct outfile *, const char *, double,
	    const struct live *);
void	live_add(struct live *, double, double, double);
struct json_t;
struct json_t *out_row_json(const struct row *, double, double);
struct json_t *out_real(double, double);
struct json_t *out_bytes(uint64_t);
int	out_set(struct json_t *, const char *, struct json_t *);

/* ---- events.c: spikes, sustained alerts, and who to tell. ---- */

struct bw_netdev;
struct ct;

#define EV_RING		3600	/* one-second samples kept */
#define EV_CMDS		4	/* alert_commands running at once */
#define EV_TOP		20	/* rows in a record */

struct ifrate {
	char		name[BW_IFNAMSIZ];
	uint64_t	rx, tx;		/* the counters last read */
	double		rx_bps, tx_bps;
	int		seen;
};

struct evcmd {
	pid_t		pid;		/* 0: free */
	double		start;		/* monotonic */
	int		killed;
	char		event[8];	/* SPIKE, FIRED, CLEARED */
	double		ts;		/* of its record */
};

struct events {
	const char	*iface;
	const struct bw_conf *conf;
	char		 spikes_path[4096], alerts_path[4096];
	struct ct	*ct;
	int		 ct_logged;	/* the status last logged; -1 */
	double		 ct_checked;
	double		 tot[EV_RING], rx[EV_RING], tx[EV_RING];
	int		 head, n;	/* head: the next slot */
	double		 spike_mono;	/* the last spike; 0: none */
	int		 open;		/* an alert fired, not cleared */
	double		 fired_at, peak;
	int		 below;		/* seconds under the clear level */
	struct evcmd	 cmd[EV_CMDS];
	double		 next_trim;	/* monotonic */
	double		 mark_mono;	/* rows marked */
	struct ifrate	*ifs;
	size_t		 nifs;
	double		 ifs_mono;
	uint64_t	 spikes, fired, cleared;
};

int	ev_init(struct events *, const char *, const char *,
	    const struct bw_conf *);
void	ev_free(struct events *);
void	ev_ifrates(struct events *, const struct bw_netdev *, int, double);
void	ev_sample(struct events *, struct table *, double, double, double,
	    double, uint64_t);
void	ev_reap(struct events *, double);

#endif /* BWPROCS_H */
