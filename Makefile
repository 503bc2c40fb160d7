# bwmon: one non-recursive Makefile for the library, every program and
# the tests.  The user owns CFLAGS; warnings live in WARN.

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
MANDIR	?= $(PREFIX)/share/man
PKG_CONFIG ?= pkg-config
CC	?= cc
AR	?= ar
CFLAGS	?= -O2 -g
WARN	= -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	  -Wmissing-prototypes -Wformat=2 -Wcast-qual -Wpointer-arith -Wvla

JANSSON_CFLAGS != $(PKG_CONFIG) --cflags jansson
JANSSON_LIBS   != $(PKG_CONFIG) --libs jansson

# Only the programs that need a library link it (STYLE.md section 1).
bwtop_CFLAGS  != $(PKG_CONFIG) --cflags ncursesw 2>/dev/null
bwtop_LIBS    != $(PKG_CONFIG) --libs ncursesw 2>/dev/null
bwprocs_CFLAGS != $(PKG_CONFIG) --cflags libpcap libnetfilter_conntrack 2>/dev/null
bwprocs_LIBS  != $(PKG_CONFIG) --libs libpcap libnetfilter_conntrack libnftables 2>/dev/null

# The kernel side of bwprocs' owners (bwprocs/sockowner.bpf.c) is built
# when clang, bpftool and libbpf are there, unless BPF=0 says not to
# (BPF=1: must be).  Without it bwprocs finds owners in /proc alone.
BPF_CLANG ?= clang
BPFTOOL	!= command -v bpftool || command -v /usr/sbin/bpftool || echo bpftool
BPF_HAVE != command -v $(BPF_CLANG) >/dev/null 2>&1 && \
	    command -v $(BPFTOOL) >/dev/null 2>&1 && \
	    $(PKG_CONFIG) --exists libbpf 2>/dev/null && echo 1 || echo 0
BPF	?= $(BPF_HAVE)
MULTIARCH != $(CC) -print-multiarch 2>/dev/null || true
ifeq ($(BPF),1)
BPF_SKEL = bwprocs/sockowner.skel.h
bwprocs_CFLAGS += -DBW_BPF $(shell $(PKG_CONFIG) --cflags libbpf)
bwprocs_LIBS += $(shell $(PKG_CONFIG) --libs libbpf)
endif

BW_CFLAGS = -std=c11 -D_GNU_SOURCE -Ilib $(WARN) $(JANSSON_CFLAGS) \
	    $(CFLAGS) $(CPPFLAGS)
BW_LIBS	= lib/libbw.a $(JANSSON_LIBS) -lm

# A program exists once its directory holds C sources.
ALLPROGS = bwcollect bwhistory bwtotal bwtop bwprocs
PROGS	= $(foreach p,$(ALLPROGS),$(if $(wildcard $(p)/*.c),$(p)/$(p)))
# One CGI program per endpoint: cgi/NAME.c -> cgi/NAME.cgi; cgi/cgi.c is
# the code they share.
CGICOMMON = $(wildcard cgi/cgi.c)
CGIS	= $(patsubst %.c,%.cgi,$(filter-out $(CGICOMMON),$(wildcard cgi/*.c)))
LIBSRC	= $(wildcard lib/*.c)
LIBOBJ	= $(LIBSRC:.c=.o)
HDRS	= $(wildcard lib/*.h)
CTESTS	= $(patsubst %.c,%.t,$(wildcard t/[0-9]*.c))
MAN1	= $(wildcard man/*.1)
MAN5	= $(wildcard man/*.5)
MAN8	= $(wildcard man/*.8)
empty	=
space	= $(empty) $(empty)
TESTPATH = $(subst $(space),,$(foreach p,$(PROGS),$(CURDIR)/$(dir $(p)):))

CGIDIR	?= /opt/bwmon/cgi
WWWDIR	?= /opt/bwmon/www

# libFuzzer harnesses: t/fuzz/NAME.c -> t/fuzz/NAME.fuzz, compiled by
# clang straight from the sources they test (never from lib/*.o, which
# have the user's flags).  Each fuzzes lib/ code but query (cgi/cgi.c)
# and packet (bwprocs' parser and connection table).
FUZZCC	?= clang
FUZZFLAGS ?= -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all
FUZZERS	= $(patsubst %.c,%.fuzz,$(wildcard t/fuzz/*.c))

.PHONY: all check check-fuzz fuzz sanitize install install-web uninstall \
	lint clean

all: $(PROGS) $(CGIS)

lib/%.o: lib/%.c $(HDRS)
	$(CC) $(BW_CFLAGS) -c -o $@ $<

lib/libbw.a: $(LIBOBJ)
	rm -f $@
	$(AR) rcs $@ $(LIBOBJ)

.SECONDEXPANSION:
$(PROGS): $$(wildcard $$(@D)/*.c) $$(wildcard $$(@D)/*.h) lib/libbw.a $(HDRS)
	$(CC) $(BW_CFLAGS) $($(@F)_CFLAGS) -I$(@D) $(LDFLAGS) -o $@ \
	    $(filter-out %.bpf.c,$(filter %.c,$^)) $(BW_LIBS) $($(@F)_LIBS)

bwprocs/bwprocs: $(BPF_SKEL)

# The BPF object, with its BTF (-g), and the skeleton that embeds it:
# built from source, never kept in the tree.
bwprocs/sockowner.bpf.o: bwprocs/sockowner.bpf.c bwprocs/sockowner.h
	$(BPF_CLANG) -target bpf -g -O2 -Wall -Werror \
	    $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH)) -Ibwprocs \
	    -c -o $@ $<

bwprocs/sockowner.skel.h: bwprocs/sockowner.bpf.o
	$(BPFTOOL) gen skeleton $< name sockowner >$@.tmp
	mv $@.tmp $@

$(CGIS): %.cgi: %.c $(CGICOMMON) $(wildcard cgi/*.h) lib/libbw.a $(HDRS)
	$(CC) $(BW_CFLAGS) -Icgi $(LDFLAGS) -o $@ $< $(CGICOMMON) $(BW_LIBS)

t/%.t: t/%.c $(wildcard t/*.h) lib/libbw.a $(HDRS)
	$(CC) $(BW_CFLAGS) -It $(LDFLAGS) -o $@ $< $(BW_LIBS)

# bwprocs's table of offloaded flows, which needs no library of its own.
t/0008-ctdelta.t: bwprocs/ctdelta.c bwprocs/ctdelta.h
t/0008-ctdelta.t: t/0008-ctdelta.c $(wildcard t/*.h) lib/libbw.a $(HDRS)
	$(CC) $(BW_CFLAGS) -It -Ibwprocs $(LDFLAGS) -o $@ $< \
	    bwprocs/ctdelta.c $(BW_LIBS)

check: all $(CTESTS) check-fuzz
	PATH="$(TESTPATH)$$PATH" \
	    SRCDIR="$(CURDIR)" prove $(PROVEFLAGS) t/

# The harnesses for t/9002-fuzz.t, when there is a clang to build them
# (without one the test skips, but not under CI=true).
check-fuzz:
	@if command -v $(FUZZCC) >/dev/null 2>&1; then \
		$(MAKE) fuzz; \
	else \
		echo "no $(FUZZCC): t/9002-fuzz.t will skip"; \
	fi

fuzz: $(FUZZERS)

t/fuzz/query.fuzz: cgi/cgi.c $(wildcard cgi/*.h)
t/fuzz/query.fuzz: FUZZINC = -Icgi
t/fuzz/packet.fuzz: bwprocs/packet.c bwprocs/procinfo.c bwprocs/table.c \
    $(wildcard bwprocs/*.h)
t/fuzz/packet.fuzz: FUZZINC = -Ibwprocs $(bwprocs_CFLAGS)

t/fuzz/%.fuzz: t/fuzz/%.c t/fuzz/check.h $(wildcard t/*.h) $(LIBSRC) $(HDRS)
	$(FUZZCC) -std=c11 -D_GNU_SOURCE -Ilib -It $(FUZZINC) $(WARN) \
	    $(JANSSON_CFLAGS) $(FUZZFLAGS) -o $@ $(filter %.c,$^) \
	    $(JANSSON_LIBS) -lm

# Objects do not record their flags: clean before and after.
sanitize:
	$(MAKE) clean
	$(MAKE) check CFLAGS='-O1 -g -fno-omit-frame-pointer \
	    -fsanitize=address,undefined -fno-sanitize-recover=all' \
	    LDFLAGS='-fsanitize=address,undefined'
	$(MAKE) clean

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
	    $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	install -m 0755 $(PROGS) $(DESTDIR)$(BINDIR)
	$(if $(MAN1),install -m 0644 $(MAN1) $(DESTDIR)$(MANDIR)/man1)
	$(if $(MAN5),install -m 0644 $(MAN5) $(DESTDIR)$(MANDIR)/man5)
	$(if $(MAN8),install -m 0644 $(MAN8) $(DESTDIR)$(MANDIR)/man8)

# The CGIs and the static page, for nginx + fcgiwrap (setup.sh).
install-web: all
	install -d $(DESTDIR)$(CGIDIR) $(DESTDIR)$(WWWDIR)
	$(if $(CGIS),install -m 0755 $(CGIS) $(DESTDIR)$(CGIDIR))
	$(if $(wildcard cgi/www/*),cp -R cgi/www/. $(DESTDIR)$(WWWDIR)/)
	$(if $(wildcard cgi/www/*),chmod -R a+rX $(DESTDIR)$(WWWDIR))

uninstall:
	rm -f $(foreach p,$(PROGS),$(DESTDIR)$(BINDIR)/$(notdir $(p))) \
	    $(foreach m,$(MAN1),$(DESTDIR)$(MANDIR)/man1/$(notdir $(m))) \
	    $(foreach m,$(MAN5),$(DESTDIR)$(MANDIR)/man5/$(notdir $(m))) \
	    $(foreach m,$(MAN8),$(DESTDIR)$(MANDIR)/man8/$(notdir $(m)))

lint:
	mandoc -Tlint -Wwarning $(MAN1) $(MAN5) $(MAN8)

clean:
	rm -f lib/*.o lib/libbw.a $(foreach p,$(ALLPROGS),$(p)/$(p)) \
	    $(CGIS) $(CTESTS) t/fuzz/*.fuzz bwprocs/sockowner.bpf.o \
	    bwprocs/sockowner.skel.h
