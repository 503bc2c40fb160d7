#!/bin/sh
# bwmon installer: sudo ./setup.sh
#
# Installs what building and running need (Debian 12, Ubuntu 22.04/24.04),
# builds, installs the programs, man pages, config and cron job, creates
# the data directory and takes the first sample.  Running it again
# upgrades programs and files and keeps history and config.
set -eu

usage() {
	cat <<USAGE
usage: sudo ./setup.sh [--iface IFACE] [--prefix DIR] [--skip-deps] [--help]

  --iface IFACE  the interface the tools show by default
                 (default: the default-route interface)
  --prefix DIR   where man pages go below (default /usr/local)
  --skip-deps    do not apt-get install build and runtime packages
  --help         this text

Environment overrides: IFACE PREFIX DATA_DIR BIN_DIR CONF_DIR CRON_DIR
(defaults: default-route interface, /usr/local, /var/lib/bwmon,
/usr/local/bin, /etc/bwmon, /etc/cron.d).
USAGE
}

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

IFACE=${IFACE:-}
PREFIX=${PREFIX:-/usr/local}
DATA_DIR=${DATA_DIR:-/var/lib/bwmon}
BIN_DIR=${BIN_DIR:-/usr/local/bin}
CONF_DIR=${CONF_DIR:-/etc/bwmon}
CRON_DIR=${CRON_DIR:-/etc/cron.d}
MAN_DIR=${MAN_DIR:-$PREFIX/share/man}
skip_deps=0

while [ $# -gt 0 ]; do
	case $1 in
	--iface)	[ $# -ge 2 ] || { usage >&2; exit 2; }
			IFACE=$2; shift 2 ;;
	--iface=*)	IFACE=${1#*=}; shift ;;
	--prefix)	[ $# -ge 2 ] || { usage >&2; exit 2; }
			PREFIX=$2; MAN_DIR=$PREFIX/share/man; shift 2 ;;
	--prefix=*)	PREFIX=${1#*=}; MAN_DIR=$PREFIX/share/man; shift ;;
	--skip-deps)	skip_deps=1; shift ;;
	-h|--help)	usage; exit 0 ;;
	*)		printf 'setup: unknown argument: %s\n' "$1" >&2
			usage >&2; exit 2 ;;
	esac
done

[ "$(id -u)" = 0 ] || die "run as root: sudo ./setup.sh"
cd "$(dirname "$0")"
[ -f Makefile ] && [ -d lib ] || die "run from a bwmon checkout"

case $IFACE in
'')	;;
*[!A-Za-z0-9._-]*|.|..)
	printf 'setup: --iface: bad interface name: %s\n' "$IFACE" >&2
	exit 2 ;;
esac
if [ -z "$IFACE" ]; then
	IFACE=$(awk '$2 == "00000000" { print $1; exit }' /proc/net/route \
	    2>/dev/null || true)
fi
if [ -n "$IFACE" ] && ! grep -q "^ *$IFACE:" /proc/net/dev; then
	die "interface $IFACE does not exist (have: $(awk -F: 'NR > 2 { gsub(/ /, "", $1); printf "%s ", $1 }' /proc/net/dev))"
fi

# 1. Packages.
BUILD_PKGS="gcc make libc6-dev pkg-config libjansson-dev"
RUN_PKGS="libjansson4 cron"
if [ "$skip_deps" = 0 ]; then
	missing=
	for p in $BUILD_PKGS $RUN_PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		say "installing packages:$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q ||
		    die "apt-get update failed: check the network and /etc/apt/sources.list"
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing ||
		    die "apt-get install failed for:$missing"
	fi
fi

# 2. Build and install programs and man pages.
say "building"
make -s all || die "build failed: see the compiler output above"
make -s install BINDIR="$BIN_DIR" MANDIR="$MAN_DIR" ||
    die "install into $BIN_DIR failed"
say "installed programs into $BIN_DIR and man pages into $MAN_DIR"

# 3. Configuration: never overwritten; new keys are reported.
mkdir -p "$CONF_DIR"
conf=$CONF_DIR/bwmon.conf
template=$(mktemp)
trap 'rm -f "$template"' EXIT
cat >"$template" <<CONF
# bwmon configuration: see bwmon.conf(5).  "key = value", # comments.

# The interface bwhistory and bwtotal show when none is named.
iface = ${IFACE:-eth0}

# What bwcollect samples (comma or space separated); default: all but lo.
#ifaces = eth0

# Days of 5-minute history kept.
#retention_days = 180

# Day of the month a billing cycle starts (1-28), for bwtotal --month.
#month_start_day = 1

# A computed rate above this (bit/s) is a counter reset, never a row.
#max_bps = 100000000000

# Counter width: auto, 32 or 64.
#counter_bits = auto
CONF
if [ -f "$conf" ]; then
	new=
	for k in $(sed -n 's/^#\{0,1\}\([a-z_]*\) *=.*/\1/p' "$template"); do
		grep -Eq "^#? *$k *=" "$conf" || new="$new $k"
	done
	say "kept $conf"
	[ -z "$new" ] || say "new keys you may set (see bwmon.conf(5)):$new"
else
	install -m 0644 "$template" "$conf"
	say "wrote $conf"
fi

# 4. Data directory: bwcollect (root) writes, everyone may read.
install -d -m 0755 "$DATA_DIR"
say "data directory $DATA_DIR"

# 5. Cron job.
mkdir -p "$CRON_DIR"
sed -e "s#/usr/local/bin#$BIN_DIR#g" \
    -e "s#^BWMON_DATA_DIR=.*#BWMON_DATA_DIR=$DATA_DIR#" \
    -e "s#^BWMON_CONF=.*#BWMON_CONF=$conf#" cron.d/bwmon \
    >"$CRON_DIR/.bwmon.tmp"
chmod 0644 "$CRON_DIR/.bwmon.tmp"
mv "$CRON_DIR/.bwmon.tmp" "$CRON_DIR/bwmon"
say "installed $CRON_DIR/bwmon"
# cron reads only /etc/cron.d: with another CRON_DIR (tests), leave it be.
if [ "$CRON_DIR" != /etc/cron.d ]; then
	:
elif ! pgrep -x cron >/dev/null 2>&1 && ! pgrep -x crond >/dev/null 2>&1
then
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
	then
		systemctl enable --now cron >/dev/null 2>&1 ||
		    say "warning: could not start cron: see 'systemctl status cron'"
	elif command -v cron >/dev/null 2>&1 && cron; then
		say "started cron directly (no systemd here): it will not" \
		    "survive a reboot unless your init starts it"
	else
		say "warning: cron is not running and could not be started;" \
		    "the history will not grow until it runs"
	fi
fi

# 6. The first sample primes the counters; rows follow every 5 minutes.
"$BIN_DIR/bwcollect" -d "$DATA_DIR" -c "$conf" ||
    die "first sample failed: run '$BIN_DIR/bwcollect -v -d $DATA_DIR'"
say "sampled the interfaces into $DATA_DIR (a first sample only primes the counters)"
say "done. In 5 minutes try: bwhistory -r 1h; bwtotal --day"
