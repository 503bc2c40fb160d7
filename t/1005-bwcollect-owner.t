#!/bin/sh
# bwcollect run as root (sudo bwcollect) in a data directory that
# belongs to another user leaves every file it makes to that user and
# the directory's group, so that user's cron job can still append to
# them and replace them: the state, the CSV, the lock, and the copy a
# retention trim writes.  Not root: the files are the runner's.
. "${0%/*}/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (chown)"
command -v useradd >/dev/null 2>&1 || skip_all "needs useradd"
U=bwt$$o
trap 'rm -rf "$T"; userdel "$U" 2>/dev/null' EXIT
useradd -r -M -s /usr/sbin/nologin -U "$U"
ok $? "test user $U"

P=$T/proc
D=$T/data
export BWMON_PROC=$P
mkdir -p "$D"
chown "$U:$U" "$D"
chmod 755 "$T"			# for the user's own run below
col() { BWMON_NOW=$1 bwcollect -d "$D" eth0 2>>"$T/err"; }
mkproc "$P" "eth0 1000 2000"
col 1790000000
ok $? "bwcollect as root: prime"
mkproc "$P" "eth0 5000 9000"
col 1790000300
ok $? "bwcollect as root: a row"
[ -f "$D/bw_eth0.csv" ] && [ -f "$D/state_eth0.json" ]
ok $? "it wrote the CSV and the state"
ls -la "$D" | sed 's/^/# /'
is "$(find "$D" -mindepth 1 \( ! -user "$U" -o ! -group "$U" \) | wc -l)" 0 \
    "every file is $U:$U, none root's"
is "$(stat -c %a "$D/bw_eth0.csv") $(stat -c %a "$D/state_eth0.json")" \
    "644 644" "mode 644 still"

# A retention trim rewrites the CSV through a temporary copy.
echo "retention_days = 4" >"$T/conf"
mkproc "$P" "eth0 9000 19000"
col $((1790000000 + 3 * 86400))
mkproc "$P" "eth0 9500 19500"
BWMON_NOW=$((1790000000 + 5 * 86400)) bwcollect -c "$T/conf" -d "$D" \
    eth0 2>>"$T/err"
ok $? "a run days later, with retention_days 4"
is "$(wc -l <"$D/bw_eth0.csv" | tr -d ' ')" 2 "trims the CSV"
is "$(stat -c %U:%G "$D/bw_eth0.csv")" "$U:$U" "the trimmed CSV is $U's"

# The user itself can go on: its own run appends to what root left.
# (A copy of bwcollect in $T: the checkout may be where the user cannot
# go, such as /root.)
mkproc "$P" "eth0 19000 29000"
cp "$(command -v bwcollect)" "$T/bwcollect" && chmod 755 "$T/bwcollect"
su -s /bin/sh "$U" -c "BWMON_PROC='$P' BWMON_NOW=$((1790000300 + 5 * 86400)) \
    '$T/bwcollect' -d '$D' eth0" 2>>"$T/err"
ok $? "$U's own run after root's works"

# Root in its own directory: the files stay root's.
R=$T/rootdir
mkdir -p "$R"
BWMON_NOW=1790000000 bwcollect -d "$R" eth0 2>>"$T/err"
is "$(stat -c %U "$R/state_eth0.json")" root "in root's directory: root's"
sed 's/^/# /' "$T/err"
done_testing
