# SPDX-License-Identifier: GPL-2.0
#
#   make [KVER=...]        build tcpstates.ko for a kernel (default: running)
#   make install           build, install into /lib/modules/KVER/extra, depmod
#   make dkms-install      register with DKMS, build and install for KVER
#   make deb               Debian packages (debian/): .build/tcpstates-dkms_
#                          VERSION_all.deb (DKMS) and tcpstates_VERSION_ARCH.deb
#   make uninstall         remove every trace of the above
#   make check             static checks: W=1 -Werror, sparse, checkpatch, uapi
#   make demo              boot a VM with the module and print /proc/tcpstates
#   make test              every test (what CI runs); make test-quick: 6.12 only
#   make test-apt          the .debs installed, upgraded and purged with apt
#                          on booted Debian 12 and 13 guests (also in test)
#   make test-other-host   every test on a fresh machine of the other Debian
#                          stable release (12 <-> 13), in a root made for it
#   make bench             read cost at 1k..100k connections, .build/bench/
#   make bench-transitions connection rate with and without the probes
#   make bench-onechain    read cost with every socket in one chain
#   make million           a million sockets, stock and debug kernels
#   make clean
#
# The module is built in .build/KVER/, a copy of the sources, so several
# kernels can be built from one checkout without their objects colliding.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD ?= $(CURDIR)/.build/$(KVER)
# The one version number: dkms.conf's.
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# What a DKMS source tree (and tcpstates-dkms) holds.
DKMS_FILES := Kbuild dkms.conf module uapi
DKMS_SRC := /usr/src/tcpstates-$(VERSION)

all: module

module:
	@mkdir -p $(BUILD)
	@cp -a $(DKMS_FILES) kunit $(BUILD)/
	$(MAKE) -C $(KDIR) M=$(BUILD) W=1 $(KBUILD_ARGS) modules
	@cp $(BUILD)/tcpstates.ko $(BUILD)/../tcpstates-$(KVER).ko

install: module
	$(MAKE) -C $(KDIR) M=$(BUILD) modules_install
	depmod -a $(KVER)

dkms-install:
	rm -rf $(DKMS_SRC)
	mkdir -p $(DKMS_SRC)
	cp -a $(DKMS_FILES) $(DKMS_SRC)/
	dkms add -m tcpstates -v $(VERSION)
	dkms build -m tcpstates -v $(VERSION) -k $(KVER)
	dkms install -m tcpstates -v $(VERSION) -k $(KVER)

# The Debian packages (debian/): tcpstates-dkms, the module's source for
# DKMS, and tcpstates, the reader.  dpkg-buildpackage writes next to the
# tree it builds, so it builds a copy in .build/deb/: the files git tracks
# or would add (outside git, as in tests/dkms-root.sh's copy: all but
# .build).  Source package and binaries, unsigned; the .debs end in .build/.
DEB_TREE := .build/deb/tcpstates-$(VERSION)
deb:
	rm -rf .build/deb
	mkdir -p $(DEB_TREE)
	{ git ls-files -z -co --exclude-standard 2>/dev/null || \
		find . -path ./.build -prune -o ! -type d -print0; } | \
		tar --null -T - --ignore-failed-read -cf - | tar -xf - -C $(DEB_TREE)
	cd $(DEB_TREE) && dpkg-buildpackage -us -uc
	cp .build/deb/tcpstates-dkms_$(VERSION)_all.deb \
		.build/deb/tcpstates_$(VERSION)_*.deb .build/

uninstall:
	-dkms remove -m tcpstates -v $(VERSION) --all
	rm -rf $(DKMS_SRC)
	rm -f /lib/modules/*/extra/tcpstates.ko*
	for k in /lib/modules/*/modules.dep; do depmod -a $$(basename $$(dirname $$k)); done

check:
	tests/static.sh

demo:
	tests/demo.sh

test:
	tests/run.sh

test-quick:
	tests/run.sh --quick

test-apt:
	tests/apt-guest.sh bookworm trixie

test-other-host:
	tests/roots.sh host $$(. /etc/os-release; \
		[ "$$VERSION_CODENAME" = trixie ] && echo bookworm || echo trixie) \
		tests/run.sh

bench:
	tests/bench/run.sh

bench-transitions:
	tests/bench/transitions.sh

bench-onechain:
	tests/bench/onechain.sh stock

million:
	tests/million.sh stock
	tests/million.sh debug

clean:
	rm -rf .build
	$(MAKE) -C tests/scenario clean

.PHONY: all module install dkms-install deb uninstall check demo test \
	test-quick test-apt test-other-host bench bench-onechain bench-transitions million clean
