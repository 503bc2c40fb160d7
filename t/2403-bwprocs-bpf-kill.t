#!/bin/sh
# The kernel side lives only as long as bwprocs: two bwprocs on two
# veths each attach their own programs at the cgroup2 root (as links,
# never pinned) and each names the owners of its own interface's flows
# (a client making one UDP socket per query on each); after SIGKILL of
# one, none of its programs stays attached or loaded, and the other goes
# on naming owners; after SIGTERM of the other, none of its either.
# Nothing is left mounted or pinned.
. "${0%/*}/lib.sh"
. "$SRCDIR/t/data/procs-lib.sh"
. "$SRCDIR/t/data/bpf-lib.sh"
need_cmds dnsmasq bpftool

# so_progs: the ids of the loaded programs named like ours, sorted.
so_progs() {
	bpftool prog show 2>/dev/null |
	    awk '$3 == "name" && $4 ~ /^so_/ { sub(":", "", $1); print $1 }' |
	    sort -n
}

# Where to look at the cgroup2 tree: a host with none mounted (a fresh
# Debian without systemd) gets one of the test's, which shows the same
# root and is gone at exit.
CG2=$(findmnt -n -t cgroup2 -o TARGET 2>/dev/null | head -n 1)
if [ -z "$CG2" ]; then
	CG2=$T/cg2
	mkdir -p "$CG2" && mount -t cgroup2 none "$CG2" ||
	    echo "# cannot mount a cgroup2 at $CG2"
	trap 'umount "$CG2" 2>/dev/null; cleanup_net' EXIT
fi

# attached IDS...: how many of these program ids the cgroup tree shows.
attached() {
	bpftool cgroup tree "$CG2" 2>/dev/null | awk -v ids=" $* " '
	    $1 ~ /^[0-9]+$/ && index(ids, " " $1 " ") { n++ }
	    END { print n + 0 }'
}

# gone IDS...: none of these programs is loaded any more.
gone() {
	_l=" $(so_progs | tr '\n' ' ') "
	for _i in "$@"; do
		case $_l in *" $_i "*) return 1 ;; esac
	done
	return 0
}

host_ns "$BN" 214
M=$((BN + 1))
NS2=${NP}m
H2=${NP}g
mkns "$NS2" && veth_to_ns "$H2" "${NP}q" "$NS2" "$M" 214
ok $? "a second veth $H2 <-> $NS2 (10.214.$M.0/24)"
dns_server "$NS" "10.214.$BN.2"
dns_server "$NS2" "10.214.$M.2"
P=$D/procs_$H.json
P2=$D/procs_$H2.json
: >"$T/bw.conf"
mounts0=$(grep -c /run/bwmon /proc/self/mountinfo)

before=$(so_progs | tr '\n' ' ')
start_bwprocs bwprocs -f -c "$T/bw.conf" -d "$D" "$H"
ok $? "bwprocs on $H started"
B1=$BP
need_bpf "$P"
mine1=$(so_progs | tr '\n' ' ')
start_bwprocs bwprocs -f -c "$T/bw.conf" -d "$D" "$H2"
ok $? "bwprocs on $H2 started"
B2=$BP
all=$(so_progs | tr '\n' ' ')
ids1=$(for i in $mine1; do case " $before " in *" $i "*) ;; *) echo "$i" ;;
    esac; done | tr '\n' ' ')
ids2=$(for i in $all; do case " $mine1 " in *" $i "*) ;; *) echo "$i" ;;
    esac; done | tr '\n' ' ')
echo "# programs of the first: $ids1; of the second: $ids2"
is "$(echo $ids1 | wc -w)" 9 "the first loaded its 9 programs"
is "$(echo $ids2 | wc -w)" 9 "the second its own 9"
is "$(attached $ids1)" 9 "the first's are attached at the cgroup2 root"
is "$(attached $ids2)" 9 "and the second's"
is "$(owners_source "$P")" bpf "the first says the kernel names owners"
is "$(owners_source "$P2")" bpf "and the second"
is "$(grep -c /run/bwmon /proc/self/mountinfo)" "$mounts0" \
    "nothing stays mounted under /run/bwmon"

# One client per interface, both at once.
perl $DNSMODS -e "$DNS" "10.214.$BN.2" 50 3 >"$T/n1" &
c1=$!
perl $DNSMODS -e "$DNS" "10.214.$M.2" 50 3 >"$T/n2" &
c2=$!
wait "$c1" "$c2"
wait_written "$P"
wait_written "$P2"
echo "# $H: client $c1 has $(pid_bytes "$P" "$c1") bytes;" \
    "$H2: client $c2 has $(pid_bytes "$P2" "$c2") bytes"
# 150 queries of 40 bytes and their answers, 140 bytes with the headers.
has_bytes "$P" "$c1" $((150 * 140 * 99 / 100))
ok $? "the first interface's client has its bytes"
has_bytes "$P2" "$c2" $((150 * 140 * 99 / 100))
ok $? "the second interface's client has its bytes"
is "$(pid_bytes "$P" "$c2")" 0 "and neither has the other's"

# SIGKILL: no chance to clean up.  The links go with the descriptors.
kill -KILL "$B1"
wait "$B1" 2>/dev/null
wait_for 10 gone $ids1
ok $? "after SIGKILL none of the first's programs is loaded"
is "$(attached $ids1)" 0 "nor attached"
is "$(attached $ids2)" 9 "the second's still are"
wait_written "$P2"
dns_client "10.214.$M.2" 50 2 "$T/n2"
wait_written "$P2"
has_bytes "$P2" "$cp" $((100 * 140 * 99 / 100))
ok $? "and it still names owners ($(pid_bytes "$P2" "$cp") bytes on its client)"

BP=$B2
stop_bwprocs
is $? 0 "the second: SIGTERM, exit 0"
wait_for 10 gone $ids2
ok $? "none of its programs is loaded"
is "$(attached $ids1 $ids2)" 0 "nor attached"
is "$(ls /sys/fs/bpf 2>/dev/null | grep -c so_)" 0 "nothing pinned"
is "$(grep -c /run/bwmon /proc/self/mountinfo)" "$mounts0" \
    "nothing mounted"

# A host with no cgroup2 mounted (a mount namespace of its own, where
# every cgroup2 is unmounted): bwprocs mounts one and detaches it at
# once; it still names owners, and leaves no directory behind.
start_bwprocs unshare -m --propagation private sh -c '
    for m in $(findmnt -n -t cgroup2 -o TARGET); do umount "$m"; done
    grep -q " - cgroup2 " /proc/self/mountinfo && exit 3
    exec bwprocs -f -c "$1" -d "$2" "$3"' sh "$T/bw.conf" "$D" "$H"
ok $? "bwprocs started where no cgroup2 is mounted"
is "$(owners_source "$P")" bpf "the kernel names owners there too"
dns_client "10.214.$BN.2" 50 2 "$T/n1"
wait_written "$P"
has_bytes "$P" "$cp" $((100 * 140 * 99 / 100))
ok $? "its client has its bytes ($(pid_bytes "$P" "$cp"))"
is "$(ls /run/bwmon 2>/dev/null | grep -c '^cgroup2\.')" 0 \
    "no cgroup2 directory is left under /run/bwmon"
stop_bwprocs
is $? 0 "SIGTERM: exit 0"
done_testing
