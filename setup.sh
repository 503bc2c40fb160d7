#!/bin/sh
# bwmon installer: sudo ./setup.sh
#
# Installs what building and running need (Debian 12, Ubuntu 22.04/24.04),
# builds, installs the programs, man pages, config and cron job, creates
# the data directory, serves the dashboard behind a login and takes the
# first sample.  Running it again upgrades programs and files and keeps
# history, config and the login.
set -eu

usage() {
	cat <<USAGE
usage: sudo ./setup.sh [--iface IFACE] [--port PORT] [--prefix DIR]
                       [--auth USER | --no-auth] [--reset-password]
                       [--listen ADDR] [--server-name NAME]
                       [--tls CERT KEY | --tls self-signed]
                       [--skip-deps] [--skip-nginx] [--no-conntrack] [--no-bpf]
                       [--router | --no-router] [--help]

  --iface IFACE  the interface the tools show by default
                 (default: the default-route interface)
  --port PORT    where nginx serves the dashboard (default 8080)
  --prefix DIR   where the CGIs and the page go (default /opt/bwmon)
  --auth USER    the login's user name (default: the one of an earlier
                 run, else bwmon).  The page shows every process' command
                 line, user and connections: it asks for a login unless
                 --no-auth.  The password is generated (or BWMON_PASSWORD),
                 printed once, and kept root-only in CONF_DIR/web-password;
                 a run again keeps it
  --no-auth      serve the page to anyone who can reach the port
  --reset-password  a new password (generated, or BWMON_PASSWORD)
  --listen ADDR  listen on this IPv4 or IPv6 address only, e.g. 127.0.0.1
                 for an SSH tunnel (default: every IPv4 address)
  --server-name NAME  another name the page answers to (repeatable); it
                 answers to the machine's host name and FQDN, localhost
                 and IP addresses, and refuses other Host headers (DNS
                 rebinding)
  --tls CERT KEY serve HTTPS only, with this certificate and key (PEM)
  --tls self-signed  serve HTTPS only, with a certificate setup.sh makes
                 (CONF_DIR/tls; kept by a run again)
  --skip-deps    do not apt-get install build and runtime packages
  --skip-nginx   install the CGIs and page but write no nginx site
                 (bring your own web server: see bwmon-cgi(8))
  --no-conntrack leave conntrack alone: no byte accounting sysctl and no
                 nftables table of ours (spike records then list no flows)
  --no-bpf       build bwprocs without its eBPF side and install neither
                 clang nor llvm, bpftool, libbpf (owners from /proc only:
                 sockets shorter than a /proc scan go unnamed)
  --router       router mode on (router = on in bwmon.conf): bwprocs also
                 runs for each LAN interface and counts every LAN device's
                 traffic (see bwprocs(8)).  Default: on when the box
                 forwards (router = auto)
  --no-router    router mode off (router = off)
  --help         this text

The site is written from the options of each run: run it again with the
same --listen, --tls and --no-auth to upgrade.

Environment overrides: IFACE PORT PREFIX DATA_DIR BIN_DIR CONF_DIR
CRON_DIR MAN_DIR NGINX_DIR RUN_DIR SYSTEMD_DIR SYSCTL_DIR MODULES_DIR
BWMON_USER WEB_GROUP
(defaults: default-route interface, 8080, /opt/bwmon, /var/lib/bwmon,
/usr/local/bin, /etc/bwmon, /etc/cron.d, /usr/local/share/man, /etc/nginx,
/run/bwmon, /etc/systemd/system, /etc/sysctl.d, /etc/modules-load.d,
bwmon: the system user the cron jobs and bwprocs run as, www-data: the
group the CGIs read the data directory as).
USAGE
}

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: error: %s\n' "$*" >&2; exit 1; }

IFACE=${IFACE:-}
PORT=${PORT:-8080}
# PREFIX, DATA_DIR ... BWMON_USER: the paths uninstall.sh removes too.
. "$(dirname "$0")/lib/install-paths.sh"
WEB_GROUP=${WEB_GROUP:-www-data}
no_conntrack=0
no_bpf=0
router_opt=
AUTH_USER=
no_auth=0
reset_pw=0
LISTEN=
SERVER_NAMES=
tls=
TLS_CERT=
TLS_KEY=
skip_deps=0
skip_nginx=0
web_opt=

while [ $# -gt 0 ]; do
	case $1 in
	--iface)	[ $# -ge 2 ] || { usage >&2; exit 2; }
			IFACE=$2; shift 2 ;;
	--iface=*)	IFACE=${1#*=}; shift ;;
	--port)		[ $# -ge 2 ] || { usage >&2; exit 2; }
			PORT=$2; shift 2 ;;
	--port=*)	PORT=${1#*=}; shift ;;
	--prefix)	[ $# -ge 2 ] || { usage >&2; exit 2; }
			PREFIX=$2; shift 2 ;;
	--prefix=*)	PREFIX=${1#*=}; shift ;;
	--auth)		[ $# -ge 2 ] || { usage >&2; exit 2; }
			AUTH_USER=$2; web_opt=$1; shift 2 ;;
	--auth=*)	AUTH_USER=${1#*=}; web_opt=--auth; shift ;;
	--no-auth)	no_auth=1; web_opt=$1; shift ;;
	--reset-password) reset_pw=1; web_opt=$1; shift ;;
	--listen)	[ $# -ge 2 ] || { usage >&2; exit 2; }
			LISTEN=$2; web_opt=$1; shift 2 ;;
	--listen=*)	LISTEN=${1#*=}; web_opt=--listen; shift ;;
	--server-name)	[ $# -ge 2 ] || { usage >&2; exit 2; }
			SERVER_NAMES="$SERVER_NAMES $2"; web_opt=$1; shift 2 ;;
	--server-name=*) SERVER_NAMES="$SERVER_NAMES ${1#*=}"
			web_opt=--server-name; shift ;;
	--tls)		[ $# -ge 2 ] || { usage >&2; exit 2; }
			web_opt=$1
			if [ "$2" = self-signed ]; then
				tls=self; shift 2
			else
				[ $# -ge 3 ] || { usage >&2; exit 2; }
				tls=files TLS_CERT=$2 TLS_KEY=$3; shift 3
			fi ;;
	--skip-deps)	skip_deps=1; shift ;;
	--skip-nginx)	skip_nginx=1; shift ;;
	--no-conntrack)	no_conntrack=1; shift ;;
	--no-bpf)	no_bpf=1; shift ;;
	--router)	router_opt=on; shift ;;
	--no-router)	router_opt=off; shift ;;
	-h|--help)	usage; exit 0 ;;
	*)		printf 'setup: unknown argument: %s\n' "$1" >&2
			usage >&2; exit 2 ;;
	esac
done

# usage_error OPTION TEXT
usage_error() {
	printf 'setup: %s: %s\n' "$1" "$2" >&2
	exit 2
}

if [ -n "$AUTH_USER" ] && [ "$no_auth" = 1 ]; then
	usage_error --no-auth "not with --auth"
fi
if [ "$reset_pw" = 1 ] && [ "$no_auth" = 1 ]; then
	usage_error --no-auth "not with --reset-password"
fi
if [ "$skip_nginx" = 1 ] && [ -n "$web_opt" ]; then
	usage_error "$web_opt" "--skip-nginx writes no site for it to apply to"
fi
# A listen address, and where setup.sh itself reaches the page.
listen_arg=$PORT
check_host=127.0.0.1
LISTEN=${LISTEN#[}
LISTEN=${LISTEN%]}
case $LISTEN in
'')	;;
*:*)	case $LISTEN in *[!0-9A-Fa-f:.]*)
		usage_error --listen "not an IP address: $LISTEN" ;;
	esac
	listen_arg="[$LISTEN]:$PORT"
	check_host="[$LISTEN]"
	[ "$LISTEN" != :: ] || check_host="[::1]" ;;
*)	case $LISTEN in *[!0-9.]*|*.*.*.*.*|.*|*.|*..*)
		usage_error --listen "not an IP address: $LISTEN" ;;
	esac
	case $LISTEN in *.*.*.*) ;; *)
		usage_error --listen "not an IP address: $LISTEN" ;;
	esac
	listen_arg=$LISTEN:$PORT
	check_host=$LISTEN
	[ "$LISTEN" != 0.0.0.0 ] || check_host=127.0.0.1 ;;
esac
case $LISTEN in
127.*|::1)	listen_local=1 ;;
*)		listen_local=0 ;;
esac
for n in $SERVER_NAMES; do
	case $n in *[!A-Za-z0-9.*_-]*)
		usage_error --server-name "host names are letters, digits, ., -, _ and *: $n" ;;
	esac
done
# The certificate and key as absolute paths, before the cd below.
if [ "$tls" = files ]; then
	for f in "$TLS_CERT" "$TLS_KEY"; do
		[ -f "$f" ] && [ -r "$f" ] ||
		    usage_error --tls "not a readable file: $f"
		case $f in *[!A-Za-z0-9._/+@:,=~-]*)
			usage_error --tls "a path nginx's configuration cannot hold: $f" ;;
		esac
	done
	case $TLS_CERT in /*) ;; *) TLS_CERT=$PWD/$TLS_CERT ;; esac
	case $TLS_KEY in /*) ;; *) TLS_KEY=$PWD/$TLS_KEY ;; esac
fi
pw_env=${BWMON_PASSWORD:-}
case $pw_env in *'
'*)	usage_error BWMON_PASSWORD "one line, please" ;;
esac

[ "$(id -u)" = 0 ] || die "run as root: sudo ./setup.sh"
cd "$(dirname "$0")"
[ -f Makefile ] && [ -d lib ] || die "run from a bwmon checkout"

case $IFACE in
'')	;;
*[!A-Za-z0-9._-]*|.|..)
	printf 'setup: --iface: bad interface name: %s\n' "$IFACE" >&2
	exit 2 ;;
esac
case $PORT in
''|*[!0-9]*)
	printf 'setup: --port: not a port number: %s\n' "$PORT" >&2
	exit 2 ;;
esac
if [ "$PORT" -lt 1 ] || [ "$PORT" -gt 65535 ]; then
	printf 'setup: --port: out of range: %s\n' "$PORT" >&2
	exit 2
fi
case $AUTH_USER in
*[!A-Za-z0-9._-]*)
	printf 'setup: --auth: user names are letters, digits, ., _, -\n' >&2
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
BUILD_PKGS="gcc make libc6-dev pkg-config libjansson-dev libncurses-dev
    libpcap-dev libnetfilter-conntrack-dev libnftables-dev"
RUN_PKGS="libjansson4 libnftables1 cron"
# openssl hashes the login's password and makes a self-signed certificate.
[ "$skip_nginx" = 1 ] ||
    RUN_PKGS="$RUN_PKGS nginx fcgiwrap spawn-fcgi curl openssl"
[ "$no_conntrack" = 1 ] || RUN_PKGS="$RUN_PKGS nftables kmod"
# bwprocs' eBPF side needs a kernel with cgroup2; its build packages are
# large (clang, llvm), so only when it will be used.
BPF=0
if [ "$no_bpf" = 0 ] && grep -qw cgroup2 /proc/filesystems 2>/dev/null; then
	BPF=1
	BUILD_PKGS="$BUILD_PKGS clang llvm bpftool libbpf-dev"
	RUN_PKGS="$RUN_PKGS libbpf1"
elif [ "$no_bpf" = 0 ]; then
	say "this kernel has no cgroup2: bwprocs is built without eBPF"
fi
nginx_new=0
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
		case " $missing " in *" nginx "*) nginx_new=1 ;; esac
	fi
fi

# 2. Build and install programs and man pages.
say "building"
make -s all BPF="$BPF" || die "build failed: see the compiler output above"
make -s install BPF="$BPF" BINDIR="$BIN_DIR" MANDIR="$MAN_DIR" ||
    die "install into $BIN_DIR failed"
make -s install-web BPF="$BPF" CGIDIR="$PREFIX/cgi" WWWDIR="$PREFIX/www" ||
    die "install into $PREFIX failed"
say "installed programs into $BIN_DIR, man pages into $MAN_DIR," \
    "CGIs and page into $PREFIX"

# 3. Configuration: never overwritten; new keys are reported.
mkdir -p "$CONF_DIR"
conf=$CONF_DIR/bwmon.conf
template=$(mktemp)
trap 'rm -f "$template"' EXIT
cat >"$template" <<CONF
# bwmon configuration: see bwmon.conf(5).  "key = value", # comments.

# The interface bwhistory, bwtotal, bwtop and the page show when none is named.
iface = ${IFACE:-eth0}

# What bwcollect samples (comma or space separated); default: all but lo
# and ifaces_ignore.
#ifaces = eth0

# Container-side interfaces: not sampled unless named, never the default.
#ifaces_ignore = veth*

# Days of 5-minute history kept.
#retention_days = 180

# Day of the month a billing cycle starts (1-28), for bwtotal --month.
#month_start_day = 1

# Rates are bit/s and take k, M, G or T (powers of 1000): 40M.
# A computed rate above this is a counter reset, never a row.
#max_bps = 100G

# Counter width: auto, 32 or 64.
#counter_bits = auto

# bwprocs (see bwprocs(8)): seconds between procs files, seconds a quiet
# process stays listed, connections listed, connection table size,
# largest capture ring (MB), socket lookups a second.
#procs_interval = 2
#procs_linger = 60
#top_connections = 50
#max_connections = 100000
#capture_buffer_mb = 64
#lookup_rate = 2000

# Spikes: a second above spike_ratio x the average of the last
# spike_window seconds, and above spike_floor_bps; then a pause.
#spike_ratio = 5
#spike_window = 120
#spike_floor_bps = 1M
#spike_cooldown = 30
#max_flows_per_spike = 50

# Sustained alerts: the average over alert_window seconds reaches
# alert_bps; clears below alert_clear_ratio x that for alert_clear_hold s.
#alert_bps = 40M
#alert_window = 300
#alert_clear_ratio = 0.8
#alert_clear_hold = 30

# Run for each spike and alert, the record as JSON on stdin (sh -c;
# examples in bwprocs(8)); killed after alert_command_timeout seconds.
#alert_command = /etc/bwmon/alert-mail
#alert_command_timeout = 30

# Its tokens and passwords: not here (every user may read this file) but
# in this file, KEY=value lines, that only root may read.
alert_env = $CONF_DIR/alert.env
# alert_command runs as this user, with no capabilities (never root).
#alert_user = nobody

# bwprocs runs as this user, keeping only the capabilities it needs.
user = $BWMON_USER

# Spike and alert records kept, and each file's size cap.
#events_retention_days = 180
#events_max_mb = 64

# The owner history (who moved the bytes): seconds per interval (0: none),
# owners and remotes kept by name an interval, programs with counters of
# their own in /metrics.
#owners_interval = 300
#owners_top = 20
#metrics_programs = 50

# Router mode (bwprocs run for a LAN interface counts each LAN device):
# auto (on when the box forwards, for interfaces with a private subnet
# and not the default route), on or off; the LAN interfaces (default:
# found); the DHCP leases names come from; capture = off for hosts only.
#router = auto
#lan_ifaces = br-lan
#dhcp_leases = /var/lib/misc/dnsmasq.leases
#capture = on
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
# alert_command's secrets: root's only, or bwprocs refuses the file.
envf=$CONF_DIR/alert.env
if [ ! -e "$envf" ]; then
	(umask 077 && printf '%s\n' \
	    "# Variables for alert_command, KEY=value a line (alert_env in" \
	    "# bwmon.conf(5)).  Only root may read this file; bwprocs refuses" \
	    "# it otherwise." >"$envf")
	say "wrote $envf (empty; mode 600: tokens for alert_command)"
elif [ -n "$(find "$envf" -maxdepth 0 \( ! -user 0 -o -perm /077 \))" ]
then
	say "warning: $envf is not root's only: bwprocs refuses it" \
	    "(chown root $envf; chmod 600 $envf)"
fi

# 4. Data directory: the cron jobs and bwprocs write it as BWMON_USER;
# the CGIs read it as WEB_GROUP; no one else.  Files an earlier version
# left root's become the user's (a bwmon program run as root there since
# leaves its files to the directory's owner by itself).
if ! id -u "$BWMON_USER" >/dev/null 2>&1; then
	useradd --system --user-group --no-create-home --home-dir /nonexistent \
	    --shell /usr/sbin/nologin --comment "bwmon bandwidth monitor" \
	    "$BWMON_USER" || die "cannot create the user $BWMON_USER"
	say "created the system user $BWMON_USER"
fi
getent group "$WEB_GROUP" >/dev/null 2>&1 ||
    die "no group $WEB_GROUP (WEB_GROUP): the CGIs read the data as it"
install -d -m 0750 -o "$BWMON_USER" -g "$WEB_GROUP" "$DATA_DIR"
chown -R "$BWMON_USER:$WEB_GROUP" "$DATA_DIR"
chmod -R go-w,o-rwx "$DATA_DIR"
say "data directory $DATA_DIR ($BWMON_USER's; group $WEB_GROUP reads it)"

# 5. Cron job.
mkdir -p "$CRON_DIR"
sed -e "s#/usr/local/bin#$BIN_DIR#g" \
    -e "s#^BWMON_DATA_DIR=.*#BWMON_DATA_DIR=$DATA_DIR#" \
    -e "s#^BWMON_CONF=.*#BWMON_CONF=$conf#" \
    -e "s#^\([^\#][^	]*	\)bwmon	#\1$BWMON_USER	#" cron.d/bwmon \
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

# systemd manages the system's services; with NGINX_DIR or RUN_DIR set
# elsewhere (a test, a second instance) we run our own.
have_systemd() {
	[ "$NGINX_DIR" = /etc/nginx ] && [ "$RUN_DIR" = /run/bwmon ] &&
	    [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
}

mkdir -p "$RUN_DIR"

# 6. Conntrack, for the flows in spike records: byte accounting on (now
# and at boot), and active in this namespace, which takes a rule that uses
# it: a table of our own that only counts new flows and accepts all.
if [ "$no_conntrack" = 0 ]; then
	mkdir -p "$SYSCTL_DIR" "$MODULES_DIR"
	printf '%s\n' "# bwmon (setup.sh): conntrack byte counters for" \
	    "# bwprocs' spike records; uninstall.sh removes this file." \
	    "net.netfilter.nf_conntrack_acct = 1" >"$SYSCTL_DIR/60-bwmon.conf"
	printf '%s\n' "# bwmon (setup.sh)" nf_conntrack \
	    >"$MODULES_DIR/bwmon.conf"
	[ -d /proc/sys/net/netfilter ] ||
	    modprobe nf_conntrack 2>/dev/null || true
	acct=/proc/sys/net/netfilter/nf_conntrack_acct
	if [ -f "$acct" ] && echo 1 2>/dev/null >"$acct"; then
		say "conntrack accounting on ($SYSCTL_DIR/60-bwmon.conf keeps" \
		    "it on at boot)"
	else
		say "warning: conntrack accounting could not be turned on here" \
		    "(no nf_conntrack module, or a container): spike records" \
		    "will say so"
	fi
	cat >"$CONF_DIR/conntrack.nft" <<NFT
# bwmon (setup.sh): makes conntrack track flows in this namespace, so
# that spike records can name them.  Accepts everything; counts new flows.
table inet bwmon
delete table inet bwmon
table inet bwmon {
	chain bw_out { type filter hook output priority 0; policy accept; ct state new counter; }
	chain bw_in { type filter hook input priority 0; policy accept; ct state new counter; }
	chain bw_forward { type filter hook forward priority 0; policy accept; ct state new counter; }
}
NFT
	if command -v nft >/dev/null 2>&1 &&
	    nft -f "$CONF_DIR/conntrack.nft" 2>"$RUN_DIR/nft.log"; then
		say "added the accept-only nftables table 'inet bwmon'" \
		    "($CONF_DIR/conntrack.nft)"
		if have_systemd; then
			cat >"$SYSTEMD_DIR/bwmon-conntrack.service" <<UNIT
[Unit]
Description=bwmon: the accept-only nftables table that activates conntrack
After=nftables.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=$(command -v nft) -f $CONF_DIR/conntrack.nft
[Install]
WantedBy=multi-user.target
UNIT
			systemctl daemon-reload
			systemctl enable bwmon-conntrack.service \
			    >/dev/null 2>&1 || true
		else
			say "note: without systemd the table is not restored at" \
			    "boot: run 'nft -f $CONF_DIR/conntrack.nft'"
		fi
	else
		say "warning: could not add the nftables table (see" \
		    "$RUN_DIR/nft.log): conntrack may track nothing here"
	fi
else
	say "--no-conntrack: conntrack left as it is"
fi

# 7. bwprocs, the capture daemon, for the interface: a systemd unit, or
# without systemd a process of our own with a pid file under RUN_DIR.
# The unit is installed either way, so a machine that later boots with
# systemd (or a person) can use it.
unit=$SYSTEMD_DIR/bwprocs@.service
mkdir -p "$SYSTEMD_DIR"
sed -e "s#/usr/local/bin#$BIN_DIR#g" -e "s#/var/lib/bwmon#$DATA_DIR#g" \
    -e "s#/etc/bwmon/bwmon.conf#$conf#g" \
    -e "s#^User=bwmon#User=$BWMON_USER#" \
    -e "s#^Group=bwmon#Group=$BWMON_USER#" systemd/bwprocs@.service \
    >"$unit.tmp"
mv "$unit.tmp" "$unit"
# run_bwprocs IFACE
run_bwprocs() {
	if have_systemd; then
		systemctl daemon-reload
		systemctl enable "bwprocs@$1" >/dev/null 2>&1 &&
		    systemctl restart "bwprocs@$1" ||
		    die "could not start bwprocs@$1: see" \
		    "'journalctl -u bwprocs@$1'"
		say "started bwprocs@$1 ($unit)"
		return
	fi
	pidf=$RUN_DIR/bwprocs-$1.pid
	if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
		kill "$(cat "$pidf")" 2>/dev/null || true
		i=0
		while kill -0 "$(cat "$pidf")" 2>/dev/null && [ $i -lt 50 ]; do
			i=$((i + 1))
			sleep 0.1
		done
	fi
	BWMON_DATA_DIR=$DATA_DIR BWMON_CONF=$conf \
	    setsid "$BIN_DIR/bwprocs" -f "$1" \
	    >>"$RUN_DIR/bwprocs-$1.log" 2>&1 </dev/null &
	echo $! >"$pidf"
	sleep 0.5
	kill -0 "$(cat "$pidf")" 2>/dev/null ||
	    die "bwprocs $1 exited at once: see $RUN_DIR/bwprocs-$1.log"
	say "started bwprocs $1 directly (no systemd): pid file $pidf," \
	    "log $RUN_DIR/bwprocs-$1.log; it will not survive a reboot"
}
if [ -z "$IFACE" ]; then
	say "warning: no default-route interface: bwprocs not started" \
	    "(run again with --iface IFACE)"
else
	run_bwprocs "$IFACE"
fi

# 7b. Router mode: --router and --no-router set the key; with it on (or
# auto on a box that forwards), bwprocs runs for each LAN interface too:
# lan_ifaces, else those with a private or ULA address that are not the
# default route's.
if [ -n "$router_opt" ]; then
	if grep -Eq '^#? *router *=' "$conf"; then
		sed -i -E "s/^#? *router *=.*/router = $router_opt/" "$conf"
	else
		printf 'router = %s\n' "$router_opt" >>"$conf"
	fi
	say "router = $router_opt in $conf"
fi
router=$(sed -n 's/^ *router *= *\([a-z]*\).*/\1/p' "$conf" | tail -n 1)
forwards=0
[ "$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)" = 1 ] ||
    [ "$(cat /proc/sys/net/ipv6/conf/all/forwarding 2>/dev/null)" = 1 ] &&
    forwards=1
if [ "${router:-auto}" = on ] ||
    { [ "${router:-auto}" = auto ] && [ "$forwards" = 1 ]; }; then
	lans=$(sed -n 's/^ *lan_ifaces *= *//p' "$conf" | tail -n 1 | tr ',' ' ')
	[ -n "$lans" ] || lans=$(ip -o addr show 2>/dev/null | awk -v def="$IFACE" '
	    $2 != "lo" && $2 != def && $2 !~ /^veth/ &&
	    ($4 ~ /^10\./ || $4 ~ /^192\.168\./ ||
	     $4 ~ /^172\.(1[6-9]|2[0-9]|3[01])\./ || $4 ~ /^f[cd]/) {
		sub(/@.*/, "", $2); print $2 }' | sort -u)
	for lan in $lans; do
		[ "$lan" = "$IFACE" ] || run_bwprocs "$lan"
	done
	[ -n "$lans" ] || say "router mode: no LAN interface found (set lan_ifaces)"
fi

# 8. The web dashboard: fcgiwrap runs the CGIs, nginx serves the page.

# fcgiwrap: Debian's socket unit under systemd, else our own spawn-fcgi.
start_fcgiwrap() {
	if have_systemd; then
		systemctl enable --now fcgiwrap.socket >/dev/null 2>&1 ||
		    die "could not start fcgiwrap: see 'systemctl status fcgiwrap.socket'"
		SOCKET=/run/fcgiwrap.socket
		return
	fi
	SOCKET=$RUN_DIR/fcgiwrap.sock
	mkdir -p "$RUN_DIR"
	if [ -f "$RUN_DIR/fcgiwrap.pid" ] &&
	    kill -0 "$(cat "$RUN_DIR/fcgiwrap.pid")" 2>/dev/null; then
		return
	fi
	rm -f "$SOCKET"
	spawn-fcgi -s "$SOCKET" -M 0660 -u www-data -g www-data \
	    -U www-data -G www-data -P "$RUN_DIR/fcgiwrap.pid" -- \
	    /usr/sbin/fcgiwrap -f >/dev/null ||
	    die "could not start fcgiwrap with spawn-fcgi"
	say "started fcgiwrap directly (no systemd): pid file" \
	    "$RUN_DIR/fcgiwrap.pid; it will not survive a reboot"
}

# nginx: reload it if it runs, else start it.
start_nginx() {
	nginx -t -c "$NGINX_DIR/nginx.conf" >"$RUN_DIR/nginx-t.log" 2>&1 || {
		cat "$RUN_DIR/nginx-t.log" >&2
		die "nginx -t rejects the configuration (above); the site is $site"
	}
	if have_systemd; then
		systemctl enable nginx >/dev/null 2>&1 || true
		# A reload cannot bind 127.0.0.1:8080 while the old workers
		# hold *:8080 (or the other way round): it would keep the old
		# sockets and say nothing.  A new listen address restarts.
		how=reload-or-restart
		[ "$listen_changed" = 0 ] || how=restart
		systemctl "$how" nginx ||
		    die "could not (re)start nginx: see 'systemctl status nginx'" \
		    "(a port one of its sites listens on may be taken)"
	else
		# Our own nginx: restart rather than reload.  Old workers of a
		# reload went on answering with the old site for seconds here.
		pidf=$(sed -n 's/^[[:space:]]*pid[[:space:]]*\([^;]*\);.*/\1/p' \
		    "$NGINX_DIR/nginx.conf" | head -n 1)
		pidf=${pidf:-/run/nginx.pid}
		if [ -f "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then
			nginx -c "$NGINX_DIR/nginx.conf" -s stop 2>/dev/null || true
			# nginx removes its pid file as it exits.
			i=0
			while [ -f "$pidf" ] && [ $i -lt 50 ]; do
				i=$((i + 1))
				sleep 0.1
			done
		fi
		nginx -c "$NGINX_DIR/nginx.conf" ||
		    die "could not start nginx: see $RUN_DIR/nginx-t.log"
		say "started nginx directly (no systemd): it will not survive" \
		    "a reboot"
	fi
}

# The login: a user and a password only root may read; nginx gets a hash.
pwfile=$CONF_DIR/web-password
htpasswd=$CONF_DIR/htpasswd
pw=
pw_new=0

# The password's hash in htpasswd for AUTH_USER, if that file holds just
# it and it is the hash of pw: then a run again leaves the file as it is.
htpasswd_current() {
	[ -f "$htpasswd" ] && [ "$(wc -l <"$htpasswd")" -eq 1 ] || return 1
	cur=$(awk -F: -v u="$AUTH_USER" '$1 == u { print $2 }' "$htpasswd")
	case $cur in '$6$'*'$'*) ;; *) return 1 ;; esac
	salt=${cur#\$6\$}
	salt=${salt%%\$*}
	[ "$(printf '%s\n' "$pw" | openssl passwd -6 -salt "$salt" -stdin)" = "$cur" ]
}

setup_login() {
	# The user: --auth, else the one an earlier run wrote, else bwmon.
	if [ -z "$AUTH_USER" ] && [ -f "$htpasswd" ]; then
		AUTH_USER=$(sed -n '1s/:.*//p' "$htpasswd")
		case $AUTH_USER in *[!A-Za-z0-9._-]*) AUTH_USER= ;; esac
	fi
	AUTH_USER=${AUTH_USER:-bwmon}
	# The password: BWMON_PASSWORD, else the one kept, else a new one.
	old=
	[ ! -s "$pwfile" ] || old=$(head -n 1 "$pwfile")
	if [ -n "$pw_env" ]; then
		pw=$pw_env
	elif [ "$reset_pw" = 0 ] && [ -n "$old" ]; then
		pw=$old
	else
		# 128 bits from the kernel, as 32 hex digits.
		pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
		[ ${#pw} -eq 32 ] || die "could not read /dev/urandom"
		pw_new=1
		# Before setup.sh kept the password, --auth asked for one.
		if [ -z "$old" ] && [ -s "$htpasswd" ]; then
			say "a new password replaces the one an earlier" \
			    "'setup.sh --auth' set, which was not kept" \
			    "(BWMON_PASSWORD=... sets one of your own)"
		fi
	fi
	if [ "$pw" != "$old" ]; then
		(umask 077 && printf '%s\n' "$pw" >"$pwfile.tmp")
		chown root:root "$pwfile.tmp"
		mv "$pwfile.tmp" "$pwfile"
	fi
	chmod 0600 "$pwfile"
	# nginx's workers read htpasswd: root's, in the group they run as.
	ngx_user=$(sed -n 's/^[[:space:]]*user[[:space:]]\{1,\}\([^;[:space:]]*\).*/\1/p' \
	    "$NGINX_DIR/nginx.conf" 2>/dev/null | head -n 1)
	ngx_group=$(id -gn "${ngx_user:-www-data}" 2>/dev/null) ||
	    ngx_group=www-data
	if ! htpasswd_current; then
		hash=$(printf '%s\n' "$pw" | openssl passwd -6 -stdin) ||
		    die "openssl passwd failed"
		(umask 077 && printf '%s:%s\n' "$AUTH_USER" "$hash" \
		    >"$htpasswd.tmp")
		mv "$htpasswd.tmp" "$htpasswd"
	fi
	chown "root:$ngx_group" "$htpasswd" 2>/dev/null ||
	    die "cannot give $htpasswd to group $ngx_group, which nginx runs as"
	chmod 0640 "$htpasswd"
	auth="auth_basic \"bwmon\"; auth_basic_user_file $htpasswd;"
}

# HTTPS: the certificate given, or one of our own, made once.
tls_new=
setup_tls() {
	if [ "$tls" = self ]; then
		TLS_CERT=$CONF_DIR/tls/bwmon-selfsigned.crt
		TLS_KEY=$CONF_DIR/tls/bwmon-selfsigned.key
		if [ ! -s "$TLS_CERT" ] || [ ! -s "$TLS_KEY" ]; then
			install -d -m 0755 "$CONF_DIR/tls"
			cn=$(hostname -f 2>/dev/null || hostname)
			case $cn in ''|*[!A-Za-z0-9.-]*) cn=localhost ;; esac
			san="DNS:localhost,IP:127.0.0.1,IP:::1"
			for n in $(hostname 2>/dev/null) $cn $SERVER_NAMES; do
				case $n in *'*'*|localhost) continue ;; esac
				san="$san,DNS:$n"
			done
			case $LISTEN in
			''|0.0.0.0) addrs=$(hostname -I 2>/dev/null || true) ;;
			*)	addrs=$LISTEN ;;
			esac
			for a in $addrs; do
				case $a in 127.0.0.1|::1|0.0.0.0|::) ;;
				*) san="$san,IP:$a" ;; esac
			done
			(umask 077 && openssl req -x509 -newkey ec \
			    -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
			    -days 3650 -subj "/CN=$cn" \
			    -addext "subjectAltName=$san" \
			    -keyout "$TLS_KEY.tmp" -out "$TLS_CERT.tmp" \
			    >"$RUN_DIR/openssl.log" 2>&1) || {
				cat "$RUN_DIR/openssl.log" >&2
				die "openssl could not make a certificate"
			}
			chmod 0644 "$TLS_CERT.tmp"
			mv "$TLS_KEY.tmp" "$TLS_KEY"
			mv "$TLS_CERT.tmp" "$TLS_CERT"
			tls_new=1
		fi
		chmod 0600 "$TLS_KEY"
	fi
	listen_arg="$listen_arg ssl"
	tls_conf="ssl_certificate $TLS_CERT; ssl_certificate_key $TLS_KEY; ssl_protocols TLSv1.2 TLSv1.3;"
}

site=$NGINX_DIR/sites-available/bwmon
if [ "$skip_nginx" = 0 ]; then
	command -v nginx >/dev/null 2>&1 ||
	    die "nginx is not installed (apt-get install nginx, or --skip-nginx)"
	if [ "$no_auth" = 0 ] || [ -n "$tls" ]; then
		command -v openssl >/dev/null 2>&1 ||
		    die "openssl is not installed (apt-get install openssl)"
	fi
	mkdir -p "$RUN_DIR" "$NGINX_DIR/sites-available" \
	    "$NGINX_DIR/sites-enabled"
	start_fcgiwrap
	auth=
	[ "$no_auth" = 1 ] || setup_login
	tls_conf=
	[ -z "$tls" ] || setup_tls
	# The names the page answers to; any IP address literal too, which
	# no other site can rebind.  nginx matches them in lower case.
	names=localhost
	for n in $(hostname 2>/dev/null) $(hostname -f 2>/dev/null) \
	    $SERVER_NAMES; do
		case $n in *[!A-Za-z0-9.*_-]*) continue ;; esac
		case " $names " in *" $n "*) continue ;; esac
		names="$names $n"
	done
	names="$names ~^[0-9]+[.][0-9]+[.][0-9]+[.][0-9]+\$ ~^[[][0-9a-f:.]+[]]\$"
	listen_was=$(grep -m 1 '^[[:space:]]*listen ' "$site" 2>/dev/null) ||
	    listen_was=
	sed -e "s#@LISTEN@#$listen_arg#" -e "s#@NAMES@#$names#" \
	    -e "s#@TLS@#$tls_conf#" -e "s#@ROOT@#$PREFIX/www#" \
	    -e "s#@CGIDIR@#$PREFIX/cgi#" -e "s#@DATADIR@#$DATA_DIR#" \
	    -e "s#@CONF@#$conf#" -e "s#@SOCKET@#$SOCKET#" \
	    -e "s#@AUTH@#$auth#" -e "s#@ENV@##" cgi/nginx.conf.in \
	    >"$site.tmp"
	listen_changed=0
	[ "$(grep -m 1 '^[[:space:]]*listen ' "$site.tmp")" = "$listen_was" ] ||
	    listen_changed=1
	mv "$site.tmp" "$site"
	ln -sf "$site" "$NGINX_DIR/sites-enabled/bwmon"
	say "wrote the nginx site $site (${LISTEN:-every IPv4 address}," \
	    "port $PORT${tls:+, HTTPS only}${auth:+, login $AUTH_USER}," \
	    "host names: $(echo "$names" | sed 's/ ~.*//'), IP addresses)"
	# An nginx we just installed for bwmon comes with Debian's default
	# site on port 80, which fails the start when another server holds
	# that port: it goes (uninstall.sh puts it back).  An nginx that was
	# there before keeps its sites.
	if [ "$nginx_new" = 1 ] && [ -L "$NGINX_DIR/sites-enabled/default" ]
	then
		rm -f "$NGINX_DIR/sites-enabled/default"
		: >"$CONF_DIR/.nginx-default-disabled"
		say "disabled the default site of the nginx just installed" \
		    "(port 80; uninstall.sh enables it again)"
	fi
	start_nginx
else
	say "--skip-nginx: no web server configured; the CGIs are in" \
	    "$PREFIX/cgi and the page in $PREFIX/www (see bwmon-cgi(8))"
fi

# 9. The first sample primes the counters; rows follow every 5 minutes.
"$BIN_DIR/bwcollect" -d "$DATA_DIR" -c "$conf" ||
    die "first sample failed: run '$BIN_DIR/bwcollect -v -d $DATA_DIR'"
say "sampled the interfaces into $DATA_DIR (a first sample only primes the counters)"

# The HTTP status of a dashboard URL (curl's status 000 when nothing
# answers): code URL [CURL-ARGS] without credentials, code_login URL
# with them.  curl reads them from a configuration on its standard
# input: a command line is there for every user to see in ps(1).
code() {
	curl -s -k -o /dev/null -w '%{http_code}' "$@" || true
}
code_login() {
	if [ -z "$auth" ]; then
		code "$1"
		return
	fi
	printf 'user = "%s"\n' \
	    "$(printf '%s' "$AUTH_USER:$pw" | sed 's/[\\"]/\\&/g')" |
	    curl -s -k -K - -o /dev/null -w '%{http_code}' "$1" || true
}

if [ "$skip_nginx" = 0 ]; then
	scheme=http
	[ -z "$tls" ] || scheme=https
	base=$scheme://$check_host:$PORT
	# Until nginx serves the new site as configured (a systemd reload
	# is asynchronous): 200 with the login, 401 without it exactly when
	# there is one, and 421 for a host name it does not know.
	want=200
	[ -z "$auth" ] || want=401
	i=0
	until c=$(code_login "$base/api/ifaces") && [ "$c" = 200 ] &&
	    [ "$(code "$base/api/ifaces")" = "$want" ] &&
	    [ "$(code -H 'Host: bwmon-setup.invalid' "$base/api/ifaces")" = 421 ]
	do
		i=$((i + 1))
		[ $i -lt 40 ] || die "the dashboard does not answer as configured at" \
		    "$base/api/ifaces (HTTP $c): see the nginx error log" \
		    "and 'Troubleshooting' in README.md"
		sleep 0.25
	done
	# 200 with rates, or a JSON 4xx saying what data is missing: the CGI
	# ran.  502 or 403 mean nginx could not run it.
	c=$(code_login "$base/api/live")
	case $c in
	200|400|404) ;;
	*) die "/api/live answers HTTP $c: see the nginx error log" \
	    "and 'Troubleshooting' in README.md" ;;
	esac
	if [ -f "$PREFIX/www/index.html" ]; then
		c=$(code_login "$base/")
		[ "$c" = 200 ] || die "the page answers HTTP $c"
	fi
	say "the dashboard answers; open one of:"
	case $LISTEN in
	''|0.0.0.0)
		# IPv4 only: the site listens on IPv4 (see cgi/nginx.conf.in).
		for a in $(hostname -I 2>/dev/null) 127.0.0.1; do
			case $a in *:*) continue ;; esac
			say "  $scheme://$a:$PORT/"
		done ;;
	*)	say "  $base/" ;;
	esac
	if [ "$listen_local" = 1 ]; then
		say "  (from elsewhere through SSH: ssh -L $PORT:$check_host:$PORT" \
		    "$(hostname 2>/dev/null || echo HOST), then" \
		    "$scheme://localhost:$PORT/)"
	fi
	if [ "$tls" = self ]; then
		fp=$(openssl x509 -noout -fingerprint -sha256 \
		    -in "$TLS_CERT" | sed 's/.*=//')
		say "the certificate ($TLS_CERT${tls_new:+, new}) is" \
		    "self-signed: a browser asks once whether to trust it;" \
		    "check its SHA-256 fingerprint: $fp"
	fi
	if [ -n "$auth" ]; then
		if [ "$pw_new" = 1 ]; then
			say "the page asks for a login:"
			say "  user:     $AUTH_USER"
			say "  password: $pw"
			say "shown once; root can read it again in $pwfile" \
			    "(--reset-password makes a new one)"
		else
			say "the page asks for a login: user $AUTH_USER, the" \
			    "password in $pwfile (sudo cat $pwfile)"
		fi
		if [ -z "$tls" ] && [ "$listen_local" = 0 ]; then
			say "warning: over plain HTTP the password travels in" \
			    "clear on the network: use --tls CERT KEY or --tls" \
			    "self-signed, or --listen 127.0.0.1 and an SSH tunnel"
		fi
	elif [ "$listen_local" = 0 ]; then
		say "warning: --no-auth: whoever reaches port $PORT sees every" \
		    "process' command line, user and connections"
	fi
fi
say "done. In 5 minutes try: bwhistory -r 1h; bwtotal --day; bwtop"
