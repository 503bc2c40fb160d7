# bench/lib.sh: sourced first by every benchmark: the C locale in UTC,
# none of the caller's BWMON_* variables, and $here (bench/) and $SRCDIR
# (the checkout) from the script's own path.
LC_ALL=C
TZ=UTC
export LC_ALL TZ
unset BWMON_DATA_DIR BWMON_CONF BWMON_PROC BWMON_NOW

here=$(cd "$(dirname "$0")" && pwd)
SRCDIR=$(dirname "$here")
