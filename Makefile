# SPDX-License-Identifier: GPL-2.0
#
# The KHO/LUO patch series on the pinned Linux 7.3 base. See README.md.

SHELL := /bin/bash
S := scripts

.PHONY: all help deps base tree export alone kernel kunit memblock selftests torture hygiene docs bisect cross preflight check demo bench bench-mem clean distclean

all: help

help:
	@echo "make demo       build the patched kernel and watch a live update in QEMU"
	@echo "make check      every test: series hygiene, KUnit, kexec selftests, per-patch"
	@echo "                builds, unpatched-to-patched live update"
	@echo "make torture    every corrupt handover of the matrix, allocation failures"
	@echo "                while preserving, on a KASAN kernel with panic_on_warn"
	@echo "make bench      live update at scale: unpatched vs patched kernel, one table"
	@echo "make bench-mem  its memory axis alone: one memfd of 128 MiB to 2 GiB"
	@echo "make tree       build/linux = base + patches/ (one commit per patch)"
	@echo "make export     write build/linux's commits back to patches/<series>/"
	@echo "                and each series' mail form to out/mail/<series>/"
	@echo "make kernel     build the bzImage of the kexec selftests and the demo"
	@echo "make hygiene | docs | kunit | memblock | selftests | bisect | alone | cross"
	@echo "     | preflight  one stage of 'make check'"
	@echo "make deps       install the Debian packages the build and tests need"
	@echo "make clean      remove build/ and out/ (the caches stay)"

deps:
	@$(S)/deps.sh

base: deps
	@$(S)/fetch-base.sh

tree: deps
	@$(S)/tree.sh

export:
	@$(S)/export.sh

kernel: tree
	@$(S)/kernel.sh

kunit: tree
	@$(S)/kunit.sh

memblock: tree
	@$(S)/memblock-tests.sh

selftests: kernel
	@$(S)/selftests.sh $(T)

hygiene: deps
	@$(S)/check-series.sh

docs: tree
	@$(S)/docs.sh

bisect: tree
	@$(S)/bisect-build.sh

alone: tree
	@ALONE_BUILD=1 $(S)/alone.sh

torture: tree
	@$(S)/torture.sh $(T)

cross: kernel
	@$(S)/ref-kernels.sh base prev
	@$(S)/cross-kexec.sh $(T)

preflight: kernel
	@$(S)/ref-kernels.sh base prev
	@$(S)/preflight-images.sh

check: deps
	@$(S)/check.sh

demo: kernel
	@$(S)/demo.sh

bench: kernel
	@$(S)/ref-kernels.sh base
	@$(S)/bench.sh
	@$(S)/bench-mem.sh

bench-mem: kernel
	@$(S)/bench-mem.sh

clean:
	rm -rf build out

distclean: clean
	rm -rf "$${KHO_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/kho-luo-series}"
