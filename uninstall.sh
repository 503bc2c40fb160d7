#!/bin/sh
# bwmon uninstaller: sudo ./uninstall.sh [--purge-data]
#
# Removes what setup.sh installed, the dashboard's login and the
# certificate it made included.  The history in the data directory and
# the configuration (bwmon.conf, alert.env) stay unless --purge-data.
set -eu

usage() {
	cat <<USAGE
usage: sudo ./uninstall.sh [--purge-data] [--help]

  --purge-data  also remove the data directory, the configuration
                (bwmon.conf and alert.env) and the user bwmon, who
                owned the data

Environment overrides as for setup.sh: PREFIX DATA_DIR BIN_DIR CONF_DIR
CRON_DIR MAN_DIR NGINX_DIR RUN_DIR SYSTEMD_DIR SYSCTL_DIR MODULES_DIR
BWMON_USER.
USAGE
}

say() { printf 'uninstall: %s\n' "$*"; }

# PREFIX, DATA_DIR ... BWMON_USER, as setup.sh has them.
. "$(dirname "$0")/lib/install-paths.sh"
purge=0

while [ $# -gt 0 ]; do
	case $1 in
	--purge-data)	purge=1; shift ;;
	-h|--help)	usage; exit 0 ;;
	*)		printf 'uninstall: unknown argument: %s\n' "$1" >&2
			usage >&2; exit 2 ;;
	esac
done
[ "$(id -u)" = 0 ] || { echo "uninstall: run as root" >&2; exit 1; }

# bwprocs: the units, or the processes setup.sh started itself.
if [ -f "$SYSTEMD_DIR/bwprocs@.service" ]; then
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
	then
		for u in $(systemctl list-units --all --plain --no-legend \
		    'bwprocs@*' 2>/dev/null | awk '{ print $1 }'); do
			systemctl disable --now "$u" >/dev/null 2>&1 || true
		done
	fi
	rm -f "$SYSTEMD_DIR/bwprocs@.service"
	rm -f "$SYSTEMD_DIR"/multi-user.target.wants/bwprocs@*.service
	command -v systemctl >/dev/null 2>&1 &&
	    systemctl daemon-reload 2>/dev/null || true
	say "stopped bwprocs and removed its unit"
fi
for f in "$RUN_DIR"/bwprocs-*.pid; do
	[ -f "$f" ] || continue
	pid=$(cat "$f")
	kill "$pid" 2>/dev/null || true
	# Its last words (the files, the owner history's interval, its nft
	# table) must be written before anything goes: wait up to 10 s.
	i=0
	while [ "$i" -lt 100 ] && kill -0 "$pid" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	rm -f "$f"
	say "stopped the bwprocs setup.sh had started ($f)"
done
# Conntrack: our table, the boot-time sysctl and module files.  The
# running accounting setting stays: other tools may rely on it now.
if command -v nft >/dev/null 2>&1 && nft list table inet bwmon >/dev/null 2>&1
then
	nft delete table inet bwmon && say "removed the nftables table inet bwmon"
fi
# Router mode: bwprocs removes its tables at exit; a crash leaves one.
if command -v nft >/dev/null 2>&1; then
	for t in $(nft list tables 2>/dev/null |
	    awk '$2 == "inet" && $3 ~ /^bwmon_hosts_/ { print $3 }'); do
		nft delete table inet "$t" &&
		    say "removed the nftables table inet $t"
	done
fi
if [ -f "$SYSTEMD_DIR/bwmon-conntrack.service" ]; then
	systemctl disable bwmon-conntrack.service >/dev/null 2>&1 || true
	rm -f "$SYSTEMD_DIR/bwmon-conntrack.service"
fi
if [ -f "$SYSCTL_DIR/60-bwmon.conf" ] || [ -f "$MODULES_DIR/bwmon.conf" ]; then
	rm -f "$SYSCTL_DIR/60-bwmon.conf" "$MODULES_DIR/bwmon.conf"
	say "removed $SYSCTL_DIR/60-bwmon.conf and $MODULES_DIR/bwmon.conf" \
	    "(conntrack accounting stays on until reboot)"
fi
# The nginx site: only ours; other sites stay as they are.
if [ -e "$NGINX_DIR/sites-available/bwmon" ] ||
    [ -L "$NGINX_DIR/sites-enabled/bwmon" ]; then
	rm -f "$NGINX_DIR/sites-enabled/bwmon" "$NGINX_DIR/sites-available/bwmon"
	# The default site setup.sh disabled in the nginx it installed.
	if [ -f "$CONF_DIR/.nginx-default-disabled" ]; then
		if [ -e "$NGINX_DIR/sites-available/default" ] &&
		    [ ! -e "$NGINX_DIR/sites-enabled/default" ]; then
			ln -s "$NGINX_DIR/sites-available/default" \
			    "$NGINX_DIR/sites-enabled/default"
			say "enabled nginx's default site again"
		fi
		rm -f "$CONF_DIR/.nginx-default-disabled"
	fi
	if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1
	then
		systemctl reload nginx 2>/dev/null || true
	else
		nginx -c "$NGINX_DIR/nginx.conf" -s reload 2>/dev/null || true
	fi
	say "removed the nginx site and reloaded nginx"
fi
# The login and the certificate setup.sh made for the site: secrets of
# a site that is gone.  A certificate given with --tls stays where it is.
if [ -f "$CONF_DIR/web-password" ] || [ -f "$CONF_DIR/htpasswd" ]; then
	rm -f "$CONF_DIR/web-password" "$CONF_DIR/htpasswd"
	say "removed the login ($CONF_DIR/web-password, $CONF_DIR/htpasswd)"
fi
if [ -d "$CONF_DIR/tls" ]; then
	rm -f "$CONF_DIR/tls/bwmon-selfsigned.crt" \
	    "$CONF_DIR/tls/bwmon-selfsigned.key"
	rmdir "$CONF_DIR/tls" 2>/dev/null || true
	say "removed the self-signed certificate ($CONF_DIR/tls)"
fi
# fcgiwrap, when setup.sh started it itself (no systemd).
if [ -f "$RUN_DIR/fcgiwrap.pid" ]; then
	kill "$(cat "$RUN_DIR/fcgiwrap.pid")" 2>/dev/null || true
	rm -f "$RUN_DIR/fcgiwrap.pid" "$RUN_DIR/fcgiwrap.sock"
	say "stopped the fcgiwrap setup.sh had started"
fi
rm -rf "$PREFIX/cgi" "$PREFIX/www"
rmdir "$PREFIX" 2>/dev/null || true
rm -f "$CRON_DIR/bwmon"
for p in bwcollect bwhistory bwprocs bwtotal bwtop; do
	rm -f "$BIN_DIR/$p"
done
for m in man1/bwhistory.1 man1/bwtop.1 man1/bwtotal.1 man5/bwmon-files.5 \
    man5/bwmon.conf.5 man8/bwcollect.8 man8/bwmon-cgi.8 man8/bwprocs.8; do
	rm -f "$MAN_DIR/$m"
done
say "removed programs, CGIs, page, man pages and the cron job"
if [ "$purge" = 1 ]; then
	rm -rf "$DATA_DIR" "$CONF_DIR"
	say "removed $DATA_DIR and $CONF_DIR"
	if id -u "$BWMON_USER" >/dev/null 2>&1 &&
	    userdel "$BWMON_USER" 2>/dev/null; then
		say "removed the user $BWMON_USER"
	fi
else
	say "kept $DATA_DIR and $CONF_DIR (--purge-data removes them)"
fi
