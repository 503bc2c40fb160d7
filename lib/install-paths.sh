# The install paths setup.sh and uninstall.sh share, so that uninstall.sh
# removes what setup.sh put where, given the same environment.  Sourced
# by both before they parse their options; it only sets variables, each
# an environment override (see ./setup.sh --help).  It lives in lib/, the
# code the tree shares, because the top level holds just the two scripts.
PREFIX=${PREFIX:-/opt/bwmon}
DATA_DIR=${DATA_DIR:-/var/lib/bwmon}
BIN_DIR=${BIN_DIR:-/usr/local/bin}
CONF_DIR=${CONF_DIR:-/etc/bwmon}
CRON_DIR=${CRON_DIR:-/etc/cron.d}
MAN_DIR=${MAN_DIR:-/usr/local/share/man}
NGINX_DIR=${NGINX_DIR:-/etc/nginx}
RUN_DIR=${RUN_DIR:-/run/bwmon}
SYSTEMD_DIR=${SYSTEMD_DIR:-/etc/systemd/system}
SYSCTL_DIR=${SYSCTL_DIR:-/etc/sysctl.d}
MODULES_DIR=${MODULES_DIR:-/etc/modules-load.d}
BWMON_USER=${BWMON_USER:-bwmon}
