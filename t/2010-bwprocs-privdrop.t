#!/bin/sh
# bwprocs started as root by hand gives up root: it runs as the user
# "user" names, with only CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_PTRACE and
# CAP_DAC_READ_SEARCH (effective, permitted and bounding), no ambient or
# inheritable ones, no_new_privs, and still gives a root process's
# transfer on a veth to its pid.  alert_command runs as alert_user with
# no capability at all.  The same started the way the unit does it
# (setpriv: the user, with CAP_SETUID and CAP_SETGID among its ambient
# capabilities), and no way back to root for either process.  A user
# that does not exist leaves bwprocs uid 0 with the same four
# capabilities, and says so; an alert_user that does
# not exist never runs a command as root; without a user key, bwmon,
# unless it may not write the data directory (then uid 0 with the four
# capabilities, saying so); a data directory the user named cannot
# write stops bwprocs at start.
#
#   host [10.217.N.1] h ------- p [10.217.N.2] NS (iperf3 -s)
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
need_root
command -v useradd >/dev/null 2>&1 || skip_all "needs useradd"

N=$((100 + $$ % 74 * 2))
U=bwt$$u			# bwprocs's user
A=bwt$$a			# alert_user
MADE_BWMON=
cleanup_users() {
	cleanup_net
	userdel "$U" 2>/dev/null
	userdel "$A" 2>/dev/null
	[ -z "$MADE_BWMON" ] || userdel bwmon 2>/dev/null
}
trap cleanup_users EXIT
useradd -r -M -s /usr/sbin/nologin "$U" &&
    useradd -r -M -s /usr/sbin/nologin "$A"
ok $? "test users $U and $A"
UID_U=$(id -u "$U")
GID_U=$(id -g "$U")
UID_A=$(id -u "$A")

NS=${NP}n
H=${NP}h
mkns "$NS" &&
    ip link add "$H" type veth peer name "${NP}p" && LINKS="$LINKS $H" &&
    ip link set "${NP}p" netns "$NS" &&
    ip addr add "10.217.$N.1/24" dev "$H" && ip link set "$H" up &&
    ip -n "$NS" addr add "10.217.$N.2/24" dev "${NP}p" &&
    ip -n "$NS" link set "${NP}p" up
ok $? "veth $H <-> $NS (10.217.$N.0/24)"
iperf_server

# Both users reach $T; the data directory is $U's, the command's output
# directory $A's.
chmod 755 "$T"
D=$T/data
mkdir -p "$D" "$T/out"
chown "$U" "$D"
chown "$A" "$T/out"
cat >"$T/cmd.sh" <<EOF
#!/bin/sh
{ id -u; grep -E '^(Cap(Inh|Prm|Eff|Bnd|Amb)|NoNewPrivs):' /proc/self/status
} >"$T/out/\$BWMON_EVENT.tmp"
mv "$T/out/\$BWMON_EVENT.tmp" "$T/out/\$BWMON_EVENT"
EOF
chmod 755 "$T/cmd.sh"
cat >"$T/conf" <<EOF
user = $U
alert_user = $A
alert_bps = 8000000
alert_window = 5
alert_clear_hold = 3
spike_floor_bps = 10000000000000
alert_command = $T/cmd.sh
EOF

# status PID FIELD: a field of /proc/PID/status, tabs as blanks.
status() {
	sed -n "s/^$2:[[:space:]]*//p" "/proc/$1/status" | tr '\t' ' ' |
	    sed 's/ *$//'
}
STEADY=0000000000083004		# bits 2, 12, 13, 19

start_bwprocs bwprocs -f -c "$T/conf" -d "$D" "$H"
ok $? "bwprocs, started as root, writes procs_$H.json"
is "$(status "$BP" Uid)" "$UID_U $UID_U $UID_U $UID_U" "it runs as $U"
is "$(status "$BP" Gid)" "$GID_U $GID_U $GID_U $GID_U" "in $U's group"
is "$(status "$BP" Groups)" "$GID_U" "and no other group"
is "$(status "$BP" CapEff)" $STEADY "CapEff: the four capabilities only"
is "$(status "$BP" CapPrm)" $STEADY "CapPrm: the same"
is "$(status "$BP" CapBnd)" $STEADY "CapBnd: the same"
is "$(status "$BP" CapAmb)" 0000000000000000 "no ambient capability"
is "$(status "$BP" CapInh)" 0000000000000000 "no inheritable capability"
is "$(status "$BP" NoNewPrivs)" 1 "no_new_privs"
RUNNER=$(ps -o pid= --ppid "$BP" | tr -d ' ' | head -1)
is "$(status "$RUNNER" Uid)" "$UID_A $UID_A $UID_A $UID_A" \
    "alert_command's process runs as $A"
is "$(status "$RUNNER" CapEff)/$(status "$RUNNER" CapBnd)" \
    0000000000000000/0000000000000000 "with no capability"

# A root process's transfer: its /proc/PID/fd needs the capabilities.
P=$D/procs_$H.json
b0=$(ifbytes "$H")
iperf3 -c "10.217.$N.2" -t 8 -b 30M >"$T/iperf.out" 2>&1 &
cp=$!
wait "$cp"
is $? 0 "iperf3 from the host (as root) ran"
pid_has_bytes "$b0" "$cp" 1 "pid $cp has" \
    "the root client's pid has the interface's bytes (1 %)"

wait_for 20 test -f "$T/out/FIRED"
ok $? "the alert fired and alert_command ran"
is "$(sed -n 1p "$T/out/FIRED" 2>/dev/null)" "$UID_A" \
    "alert_command ran as $A"
for f in CapEff CapPrm CapBnd CapAmb CapInh; do
	like "$(cat "$T/out/FIRED" 2>/dev/null)" "$f:[[:space:]]+0{16}" \
	    "alert_command: $f 0"
done
like "$(cat "$T/out/FIRED" 2>/dev/null)" "NoNewPrivs:[[:space:]]+1" \
    "alert_command: no_new_privs"
is "$(find "$D" ! -user "$U" | wc -l)" 0 \
    "every file in the data directory is $U's"
stop_bwprocs
is $? 0 "bwprocs exits 0 on SIGTERM"

# ---- As the unit starts it: User= with ambient capabilities. ----
C=+net_raw,+net_admin,+sys_ptrace,+dac_read_search,+setuid,+setgid
start_bwprocs setpriv --reuid="$U" --regid="$U" --clear-groups \
    --inh-caps="-all,$C" --ambient-caps="-all,$C" \
    bwprocs -f -c "$T/conf" -d "$D" "$H"
ok $? "bwprocs started as $U with the unit's ambient capabilities"
is "$(status "$BP" Uid)" "$UID_U $UID_U $UID_U $UID_U" "it stays $U"
is "$(status "$BP" CapEff)/$(status "$BP" CapPrm)/$(status "$BP" CapAmb)" \
    $STEADY/$STEADY/0000000000000000 \
    "it drops CAP_SETUID and CAP_SETGID, and the ambient set"
RUNNER=$(ps -o pid= --ppid "$BP" | tr -d ' ' | head -1)
is "$(status "$RUNNER" Uid)" "$UID_A $UID_A $UID_A $UID_A" \
    "alert_command's process becomes $A"
is "$(status "$RUNNER" CapEff)/$(status "$RUNNER" CapPrm)" \
    0000000000000000/0000000000000000 \
    "with no capability (no way back to root)"
stop_bwprocs
is $? 0 "bwprocs exits 0 on SIGTERM"

# ---- A user that does not exist; the default alert_user. ----
printf 'user = nosuch%s\n' $$ >"$T/conf2"
D=$T/data2
mkdir -p "$D"
start_bwprocs bwprocs -f -v -c "$T/conf2" -d "$D" "$H"
ok $? "bwprocs runs with a user that does not exist"
is "$(status "$BP" Uid)" "0 0 0 0" "it stays uid 0"
is "$(status "$BP" CapEff)/$(status "$BP" CapBnd)" $STEADY/$STEADY \
    "with the four capabilities only"
RUNNER=$(ps -o pid= --ppid "$BP" | tr -d ' ' | head -1)
is "$(status "$RUNNER" Uid | cut -d' ' -f1)" "$(id -u nobody)" \
    "alert_command's process runs as nobody (the default)"
stop_bwprocs
like "$(cat "$T/bwprocs.err")" "user nosuch$$: no such user; staying uid 0" \
    "and it says so"

# ---- alert_user does not exist: commands never run as root. ----
printf 'alert_user = nosuch%s\n' $$ >"$T/conf3"
: >"$T/bwprocs.err"
start_bwprocs bwprocs -f -c "$T/conf3" -d "$D" "$H"
ok $? "bwprocs runs with an alert_user that does not exist"
stop_bwprocs
like "$(cat "$T/bwprocs.err")" "alert_command cannot run as nosuch$$" \
    "alert_command will not run, and it says so"

# ---- No user key: bwmon, where it may write the data directory. ----
# (The user setup.sh makes; made here for the test when there is none.)
if ! id bwmon >/dev/null 2>&1; then
	useradd -r -M -s /usr/sbin/nologin bwmon && MADE_BWMON=1
fi
: >"$T/conf4"
D=$T/data4
mkdir -m 700 "$D"
: >"$T/bwprocs.err"
start_bwprocs bwprocs -f -c "$T/conf4" -d "$D" "$H"
ok $? "no user key, a directory only root may write: bwprocs runs"
is "$(status "$BP" Uid)/$(status "$BP" CapEff)" "0 0 0 0/$STEADY" \
    "as uid 0, with the four capabilities only"
stop_bwprocs
like "$(cat "$T/bwprocs.err")" "bwmon may not write .*data4: staying uid 0" \
    "and it says why"
D=$T/data5
mkdir "$D"
chown bwmon "$D"
start_bwprocs bwprocs -f -c "$T/conf4" -d "$D" "$H"
ok $? "no user key, bwmon's directory: bwprocs runs"
is "$(status "$BP" Uid | cut -d' ' -f1)" "$(id -u bwmon)" "as bwmon"
stop_bwprocs

# ---- A data directory the user cannot write. ----
D3=$T/data3
mkdir -m 700 "$D3"
bwprocs -f -c "$T/conf" -d "$D3" "$H" 2>"$T/err3"
is $? 1 "a data directory $U cannot write: exit 1"
like "$(cat "$T/err3")" "data directory .*data3, as uid $UID_U" \
    "and it says why"

done_testing
