#!/bin/sh
# setup.sh and uninstall.sh into a throwaway prefix, as root.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "setup.sh needs root"
S=$SRCDIR
export BIN_DIR=$T/bin PREFIX=$T/prefix DATA_DIR=$T/data CONF_DIR=$T/etc \
    CRON_DIR=$T/cron

"$S/setup.sh" --help >"$T/out"; ok $? "--help exits 0"
like "$(cat "$T/out")" '^usage: sudo ./setup.sh' "--help prints usage"
"$S/setup.sh" --bogus 2>"$T/err"; is $? 2 "an unknown flag is a usage error"
"$S/setup.sh" --skip-deps --iface ../x 2>"$T/err"; is $? 2 "a bad --iface is a usage error"
"$S/setup.sh" --skip-deps --iface nosuch0 2>"$T/err"; st=$?
is $st 1 "a missing --iface fails"
like "$(cat "$T/err")" 'nosuch0 does not exist.*lo' "and lists the interfaces"

"$S/setup.sh" --skip-deps --iface lo >"$T/out" 2>&1; st=$?
is $st 0 "setup.sh installs into the throwaway prefix"
[ $st -eq 0 ] || sed 's/^/# /' "$T/out"
for p in bwcollect bwhistory bwtotal; do
	"$BIN_DIR/$p" -V >/dev/null; ok $? "$p runs from BIN_DIR"
done
[ -f "$PREFIX/share/man/man8/bwcollect.8" ]; ok $? "man pages installed"
like "$(cat "$CONF_DIR/bwmon.conf")" '^iface = lo$' "config written with the interface"
like "$(cat "$CRON_DIR/bwmon")" "$BIN_DIR/bwcollect" "cron job runs the installed bwcollect"
like "$(cat "$CRON_DIR/bwmon")" "^BWMON_DATA_DIR=$DATA_DIR\$" "cron job uses the data directory"
ls "$DATA_DIR"/state_*.json >/dev/null 2>&1; ok $? "the first sample primed the state"
[ "$(stat -c %a "$DATA_DIR")" = 755 ]; ok $? "data directory readable by all"

# Idempotent: keeps a config edit and changes no data.
echo "retention_days = 90" >>"$CONF_DIR/bwmon.conf"
sum() { (cd "$DATA_DIR" && find . -type f ! -name .bwcollect.lock | sort | xargs md5sum); }
before=$(sum)
"$S/setup.sh" --skip-deps --iface lo >"$T/out" 2>&1; ok $? "a second run succeeds"
like "$(cat "$CONF_DIR/bwmon.conf")" '^retention_days = 90$' "the config edit is kept"
like "$(cat "$T/out")" "kept $CONF_DIR/bwmon.conf" "and it says so"
is "$(sum)" "$before" "the second run changes no data"
BWMON_NOW=$(($(date +%s) + 300)) "$BIN_DIR/bwcollect" -d "$DATA_DIR" -c "$CONF_DIR/bwmon.conf"
ok $? "bwcollect works from BIN_DIR"
"$BIN_DIR/bwhistory" -d "$DATA_DIR" -i lo -r 1h >/dev/null 2>&1; st=$?
[ $st -le 1 ]; ok $? "bwhistory runs from BIN_DIR"

"$S/uninstall.sh" >"$T/out"; ok $? "uninstall.sh succeeds"
[ ! -e "$BIN_DIR/bwcollect" ] && [ ! -e "$CRON_DIR/bwmon" ]
ok $? "programs and cron job removed"
[ -d "$DATA_DIR" ] && [ -f "$CONF_DIR/bwmon.conf" ]; ok $? "data and config kept"
"$S/uninstall.sh" --purge-data >"$T/out"; ok $? "uninstall.sh --purge-data succeeds"
[ ! -e "$DATA_DIR" ] && [ ! -e "$CONF_DIR" ]; ok $? "--purge-data removes data and config"
"$S/uninstall.sh" --bogus 2>/dev/null; is $? 2 "uninstall: unknown flag is a usage error"

done_testing
