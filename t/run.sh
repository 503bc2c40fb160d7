#!/bin/sh
# The test command: installs what building and testing need on a fresh
# Debian 12 / Ubuntu (as root; a minimal system without make or a
# compiler is fine), then builds and runs the whole suite twice: as
# built, and under AddressSanitizer + UndefinedBehaviorSanitizer.
#
#   sudo t/run.sh            # from the top of a checkout
#   t/run.sh --no-deps       # skip the package step (any user)
set -eu
cd "$(dirname "$0")/.."

# Building and the CLI tests; bwtop under a real tmux; bwprocs on real veth
# pairs in network namespaces with iperf3 (and conntrack(8) to end flows);
# the web tests: a real nginx, fcgiwrap and Prometheus on loopback, the
# page in a real headless Chromium; the libFuzzer harnesses (make fuzz,
# t/9002-fuzz.t) with clang; valgrind for bwprocs's leak test.
PKGS="gcc make libc6-dev pkg-config perl libjansson-dev mandoc
    clang libclang-rt-14-dev llvm bpftool libbpf-dev
    libncurses-dev tmux netbase
    libpcap-dev libnetfilter-conntrack-dev libnftables-dev
    dnsmasq-base busybox iperf3 iproute2 systemd nftables kmod conntrack
    nginx fcgiwrap spawn-fcgi curl openssl prometheus
    chromium fonts-dejavu-core procps time valgrind dnsmasq libcap2-bin"

deps=1
for arg in "$@"; do
	case $arg in
	--no-deps) deps=0 ;;
	-h|--help)
		echo "usage: t/run.sh [--no-deps]"
		exit 0 ;;
	*)	echo "t/run.sh: unknown argument: $arg" >&2
		echo "usage: t/run.sh [--no-deps]" >&2
		exit 2 ;;
	esac
done

if [ "$deps" = 1 ]; then
	missing=
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		if [ "$(id -u)" != 0 ]; then
			echo "t/run.sh: missing packages:$missing" >&2
			echo "t/run.sh: run as root, or install them first" >&2
			exit 1
		fi
		echo "t/run.sh: installing:$missing"
		export DEBIAN_FRONTEND=noninteractive
		# The tests start their own servers on loopback: keep the
		# packages' system services (nginx on :80, prometheus) from
		# starting on install.
		rc=
		if [ ! -e /usr/sbin/policy-rc.d ]; then
			printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
			chmod 755 /usr/sbin/policy-rc.d
			rc=/usr/sbin/policy-rc.d
			trap 'rm -f /usr/sbin/policy-rc.d' EXIT
		fi
		apt-get update -q
		# shellcheck disable=SC2086
		apt-get install -y -q --no-install-recommends $missing
		[ -z "$rc" ] || rm -f "$rc"
	fi
fi

jobs=$(nproc 2>/dev/null || echo 2)
make clean
make -j"$jobs" all
echo "== make check"
make check
echo "== make sanitize (ASan + UBSan)"
# The reports go to files, not stderr: a test that throws a program's
# stderr away (a CGI's, say) would otherwise pass over a leak found at
# its exit.  Any report fails the run.
san=$(mktemp -d "${TMPDIR:-/tmp}/bwmon-san.XXXXXX")
chmod 0777 "$san"	# programs the tests run as nobody report too
rc=0
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$san/asan \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$san/ubsan \
    make sanitize || rc=$?
if grep -l -E 'ERROR: [A-Za-z]+Sanitizer|runtime error' "$san"/* \
    >"$san/found" 2>/dev/null; then
	echo "t/run.sh: sanitizer reports:" >&2
	while read -r f; do
		cat "$f" >&2
	done <"$san/found"
	[ "$rc" != 0 ] || rc=1
fi
rm -rf "$san"
exit "$rc"
