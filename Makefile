# SPDX-License-Identifier: GPL-2.0
#
#   make [KVER=...]        build tcpstates.ko for a kernel (default: running)
#   make check             static checks: W=1 -Werror, sparse, checkpatch, uapi
#   make demo              boot a VM with the module and print /proc/tcpstates
#   make test              every test (what CI runs); make test-quick: 6.12 only
#   make clean
#
# The module is built in .build/KVER/, a copy of the sources, so several
# kernels can be built from one checkout without their objects colliding.

KVER ?= $(shell uname -r)
KDIR ?= /lib/modules/$(KVER)/build
BUILD ?= $(CURDIR)/.build/$(KVER)
SOURCES := Kbuild VERSION module uapi kunit

all: module

module:
	@mkdir -p $(BUILD)
	@cp -a $(SOURCES) $(BUILD)/
	$(MAKE) -C $(KDIR) M=$(BUILD) W=1 $(KBUILD_ARGS) modules
	@cp $(BUILD)/tcpstates.ko $(BUILD)/../tcpstates-$(KVER).ko

check:
	tests/static.sh

demo:
	tests/demo.sh

test:
	tests/run.sh

test-quick:
	tests/run.sh --quick

clean:
	rm -rf .build
	$(MAKE) -C tests/scenario clean

.PHONY: all module check demo test test-quick clean
