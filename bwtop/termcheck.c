/*
 * Whether $TERM can draw a screen: known to terminfo and able to move
 * the cursor.  TERM=dumb is known but has no "cup"; newterm() would
 * succeed on it and draw nothing usable.  Alone in its file because
 * <term.h> defines macros with common names (lines, columns, tab).
 */
#include <curses.h>
#include <term.h>
#include <unistd.h>

#include "bwtop.h"

/* 1 usable, 0 no cursor addressing, -1 unknown terminal type. */
int
screen_usable(void)
{
	const char	*cup;
	int		 errret = 0, ok;

	if (setupterm(NULL, STDOUT_FILENO, &errret) != OK)
		return -1;
	cup = tigetstr("cup");
	ok = cup != NULL && cup != (char *)-1;
	(void)del_curterm(cur_term);
	return ok;
}
