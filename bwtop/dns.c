/*
 * Reverse DNS for the Connections view, off the main thread: a lookup
 * can take seconds, and the screen must not wait for it.  The main
 * thread asks dns_name() for an address and gets the name when it is
 * known; otherwise the address is queued for the one resolver thread.
 * The thread holds the lock only to take work and store results, never
 * while it waits on the network, so the main thread never waits for it.
 * It blocks every signal, so signals reach the main thread's getch().
 * At exit it is joined when it ends within a moment; one stuck in a
 * lookup is left behind, and exit(3) ends it with the process.
 */
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bwtop.h"

#define NCACHE		256
#define ADDRLEN		64
#define NAMELEN		256
#define STOP_WAIT_MS	200	/* dns_stop()'s wait for the thread */

enum dstate { D_FREE, D_QUEUED, D_BUSY, D_DONE, D_FAILED };

struct dentry {
	enum dstate	state;
	unsigned long	gen;	/* bumped when the slot is reused */
	unsigned long	used;		/* when last asked for */
	char		addr[ADDRLEN];
	char		name[NAMELEN];
};

static pthread_mutex_t	lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	work = PTHREAD_COND_INITIALIZER;
static pthread_cond_t	done = PTHREAD_COND_INITIALIZER;
static pthread_t	thread;
static struct dentry	cache[NCACHE];
static unsigned long	tick;
static int		started, stopping, ended;

/*
 * A host name as the screen may show it: letters, digits, '-', '.' and
 * '_' only; a PTR record can hold any bytes.
 */
static int
clean_name(char *s)
{
	char	*p;

	if (*s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._", *p) != NULL))
			return -1;
	return 0;
}

static int
resolve(const char *addr, char *name, size_t size)
{
	struct addrinfo	 hints, *res;
	int		 rv;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0)
		return -1;
	rv = getnameinfo(res->ai_addr, res->ai_addrlen, name, (socklen_t)size,
	    NULL, 0, NI_NAMEREQD);
	freeaddrinfo(res);
	if (rv != 0 || clean_name(name) == -1)
		return -1;
	return 0;
}

static void *
resolver(void *arg)
{
	char		addr[ADDRLEN], name[NAMELEN];
	unsigned long	gen;
	int		i, best, ok;

	(void)arg;
	for (;;) {
		(void)pthread_mutex_lock(&lock);
		for (;;) {
			if (stopping) {
				ended = 1;
				(void)pthread_cond_broadcast(&done);
				(void)pthread_mutex_unlock(&lock);
				return NULL;
			}
			/* The address asked for most recently first. */
			best = -1;
			for (i = 0; i < NCACHE; i++)
				if (cache[i].state == D_QUEUED && (best == -1 ||
				    cache[i].used > cache[best].used))
					best = i;
			if (best != -1)
				break;
			(void)pthread_cond_wait(&work, &lock);
		}
		cache[best].state = D_BUSY;
		gen = cache[best].gen;
		(void)memcpy(addr, cache[best].addr, sizeof(addr));
		(void)pthread_mutex_unlock(&lock);

		ok = resolve(addr, name, sizeof(name)) == 0;

		(void)pthread_mutex_lock(&lock);
		if (cache[best].gen == gen && cache[best].state == D_BUSY) {
			cache[best].state = ok ? D_DONE : D_FAILED;
			if (ok)
				(void)memcpy(cache[best].name, name,
				    sizeof(name));
		}
		(void)pthread_mutex_unlock(&lock);
	}
}

/* Start the resolver thread once; -1 when it cannot be. */
int
dns_start(void)
{
	sigset_t	all, old;
	int		rv;

	if (started)
		return 0;
	(void)sigfillset(&all);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	rv = pthread_create(&thread, NULL, resolver, NULL);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rv != 0) {
		errno = rv;
		return -1;
	}
	started = 1;
	return 0;
}

/*
 * The name of addr: 1 and name filled when known, 0 while it is being
 * looked up, -1 when it has none (or the cache is full of pending work,
 * in which case it is asked for again later).
 */
int
dns_name(const char *addr, char *name, size_t size)
{
	int	i, slot = -1, rv = 0;

	if (!started || addr[0] == '\0' || strlen(addr) >= ADDRLEN)
		return -1;
	(void)pthread_mutex_lock(&lock);
	tick++;
	for (i = 0; i < NCACHE; i++)
		if (cache[i].state != D_FREE &&
		    strcmp(cache[i].addr, addr) == 0)
			break;
	if (i < NCACHE) {
		cache[i].used = tick;
		if (cache[i].state == D_DONE) {
			(void)snprintf(name, size, "%s", cache[i].name);
			rv = 1;
		} else if (cache[i].state == D_FAILED)
			rv = -1;
		(void)pthread_mutex_unlock(&lock);
		return rv;
	}
	/* A free slot, else the least recently used finished or queued one. */
	for (i = 0; i < NCACHE; i++) {
		if (cache[i].state == D_FREE) {
			slot = i;
			break;
		}
		if (cache[i].state != D_BUSY &&
		    (slot == -1 || cache[i].used < cache[slot].used))
			slot = i;
	}
	if (slot != -1) {
		cache[slot].gen++;
		cache[slot].used = tick;
		cache[slot].state = D_QUEUED;
		(void)snprintf(cache[slot].addr, sizeof(cache[slot].addr),
		    "%s", addr);
		cache[slot].name[0] = '\0';
		(void)pthread_cond_signal(&work);
	}
	(void)pthread_mutex_unlock(&lock);
	return 0;
}

/*
 * End the thread: join it when it ends within STOP_WAIT_MS, which it
 * does unless a lookup holds it; then leave it to exit(3).
 */
void
dns_stop(void)
{
	struct timespec	until;
	int		joinable;

	if (!started)
		return;
	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += STOP_WAIT_MS * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	(void)pthread_mutex_lock(&lock);
	stopping = 1;
	(void)pthread_cond_broadcast(&work);
	while (!ended)
		if (pthread_cond_timedwait(&done, &lock, &until) != 0)
			break;
	joinable = ended;
	(void)pthread_mutex_unlock(&lock);
	if (joinable)
		(void)pthread_join(thread, NULL);
	else
		(void)pthread_detach(thread);
	started = 0;
}
