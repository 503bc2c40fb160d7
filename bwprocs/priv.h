/*
 * bwprocs's privileges (priv.c): after the privileged start, the user
 * it runs as and the few capabilities it keeps.
 */
#ifndef BWPROCS_PRIV_H
#define BWPROCS_PRIV_H

#include <stddef.h>

/*
 * priv_drop: become user (when root, or holding CAP_SETUID and
 * CAP_SETGID) with no supplementary groups, keep only the steady
 * state's capabilities (those of them we hold), shrink the bounding
 * set to them when we may, clear the ambient set, and set
 * no_new_privs.  A user that does not exist leaves the uid as it is
 * and says so in note (empty: nothing to say).  0, or -1 with err.
 * priv_drop_all: the same with no capability at all, for a process
 * that runs commands; -1 rather than stay root.
 * priv_caps_steady: the steady state's capabilities, as text.
 * priv_can_write: whether user may write and search dir: 1 yes, 0 no,
 * -1 not known (not root, no such user, or user is root).
 */
int		 priv_drop(const char *, char *, size_t, char *, size_t);
int		 priv_drop_all(const char *, char *, size_t, char *, size_t);
const char	*priv_caps_steady(void);
int		 priv_can_write(const char *, const char *);

#endif /* BWPROCS_PRIV_H */
