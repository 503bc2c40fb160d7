#!/bin/sh
# Boot systemd/bwprocs@.service for real: a Debian 12 tree booted with
# systemd-nspawn -b runs bwprocs@lo as the unit says (User=bwmon, ambient
# capabilities, the system call filter) and a oneshot unit prints what
# the process ended up with, then powers the container off.  This
# machine has no systemd as PID 1, so the suite scores the unit offline
# only (t/2005); this is the check that it also runs.  As root:
#
#   make && bench/nspawn-unit.sh [BASE]
#
# BASE: a Debian 12 tree to copy (default /var/tmp/fresh-debian.base;
# made with debootstrap when missing).  Needs systemd-nspawn (Debian's
# systemd-container) and the network for apt-get in the tree.
set -eu
S=$(cd "${0%/*}/.." && pwd)
BASE=${1:-/var/tmp/fresh-debian.base}
R=/var/tmp/bwmon-nspawn.$$
[ "$(id -u)" = 0 ] || { echo "$0: needs root" >&2; exit 1; }
command -v systemd-nspawn >/dev/null ||
    { echo "$0: needs systemd-nspawn (apt-get install systemd-container)" >&2; exit 1; }
[ -x "$S/bwprocs/bwprocs" ] || { echo "$0: run make first" >&2; exit 1; }
trap '[ -n "${KEEP:-}" ] || rm -rf "$R"' EXIT
if [ ! -d "$BASE" ]; then
	debootstrap --variant=minbase bookworm "$BASE" \
	    http://deb.debian.org/debian >/dev/null
fi
cp -a "$BASE" "$R"
cp /etc/resolv.conf "$R/etc/resolv.conf"
chroot "$R" sh -c 'apt-get update -q >/dev/null 2>&1 &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    --no-install-recommends systemd systemd-sysv dbus libpcap0.8 \
    libnetfilter-conntrack3 libjansson4 procps >/dev/null 2>&1' ||
    { echo "$0: apt-get in the tree failed" >&2; exit 1; }

# What setup.sh does for bwprocs: the user, the directory, the config.
install -m 0755 "$S/bwprocs/bwprocs" "$R/usr/local/bin/bwprocs"
install -m 0644 "$S/systemd/bwprocs@.service" "$R/etc/systemd/system/"
chroot "$R" useradd --system --user-group --no-create-home \
    --home-dir /nonexistent --shell /usr/sbin/nologin bwmon
install -d -m 0750 -o "$(chroot "$R" id -u bwmon)" \
    -g "$(chroot "$R" getent group www-data | cut -d: -f3)" \
    "$R/var/lib/bwmon"
mkdir -p "$R/etc/bwmon"
printf '%s\n' 'user = bwmon' 'alert_command = true' >"$R/etc/bwmon/bwmon.conf"
ln -sf /etc/systemd/system/bwprocs@.service \
    "$R/etc/systemd/system/multi-user.target.wants/bwprocs@lo.service"

cat >"$R/usr/local/sbin/bwmon-check" <<'EOF'
#!/bin/sh
sleep 6
{
	echo "state: $(systemctl is-active bwprocs@lo)"
	pid=$(systemctl show -p MainPID --value bwprocs@lo)
	echo "bwprocs pid $pid:"
	grep -E '^(Uid|Gid|Groups|Cap[A-Za-z]+|NoNewPrivs|Seccomp):' \
	    /proc/$pid/status
	for c in $(pgrep -P "$pid"); do
		echo "child $c (alert_command's process):"
		grep -E '^(Uid|CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs):' \
		    /proc/$c/status
	done
	echo "data directory:"
	ls -ln /var/lib/bwmon
	echo "journal:"
	journalctl -u bwprocs@lo --no-pager -o cat | tail -n 15
} >/bwmon-check.out 2>&1
systemctl poweroff
EOF
chmod 755 "$R/usr/local/sbin/bwmon-check"
cat >"$R/etc/systemd/system/bwmon-check.service" <<'EOF'
[Unit]
After=bwprocs@lo.service
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/bwmon-check
[Install]
WantedBy=multi-user.target
EOF
ln -sf /etc/systemd/system/bwmon-check.service \
    "$R/etc/systemd/system/multi-user.target.wants/bwmon-check.service"

# Without systemd as PID 1 here: no machined, no scope of its own.  The
# container shares the host's network, where nspawn would drop
# CAP_NET_ADMIN from its bounding set: give it back (conntrack).
timeout 120 systemd-nspawn -q -b --register=no --keep-unit \
    --capability=CAP_NET_ADMIN -D "$R" --console=pipe >"$R/boot.log" 2>&1 ||
    true
if [ ! -s "$R/bwmon-check.out" ]; then
	echo "$0: the container did not report; its boot log:" >&2
	tail -n 30 "$R/boot.log" >&2
	exit 1
fi
cat "$R/bwmon-check.out"
grep -q '^state: active$' "$R/bwmon-check.out"
