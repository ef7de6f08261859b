# The workshop for the KVM self-contained gfn_to_pfn_cache series.
# "make help" lists the targets. Logs go to build/logs/; the terminal gets
# progress and the verdict.

.PHONY: all main test bench tree export clean-tree clean help deps base

all: main

help:
	@echo "make            apply series/ to the base, build, boot under QEMU, run the Xen"
	@echo "                and pvclock selftests and KUnit; print a short summary"
	@echo "make test       the whole gate: checkpatch, a build at every patch, sparse,"
	@echo "                kernel-doc, coccicheck, the export round trip, the reproducers"
	@echo "                on the base kernel, KUnit + selftests on the series, dmesg/taint"
	@echo "make bench      base vs series: perf kernels, xen_gpc_bench in alternating"
	@echo "                boots (BENCH_ROUNDS=5, BENCH_ARGS=\"-t 1\"; BENCH_FROM=N: the\n                first N patches instead of the base); prints a table"
	@echo "make tree       build/linux: the base + the stack of series/ (git am), one branch per series"
	@echo "make export     write build/linux's commits back to series/"
	@echo "make deps       install the Debian packages the workshop needs"
	@echo "make base       download and verify the pinned base (base/linux-source.lock)"
	@echo "make clean-tree remove build/linux;  make clean: remove build/"
	@echo "Variables: KSRC=/path/to/linux.git (apply onto that tree's HEAD),"
	@echo "           ACCEL=kvm|tcg (QEMU accelerator), JOBS=N"

main:
	@scripts/gate.sh main

test:
	@scripts/gate.sh test

bench:
	@scripts/bench.sh

tree:
	@scripts/deps.sh && scripts/tree.sh

export:
	@scripts/export.sh

deps:
	@scripts/deps.sh

base: deps
	@scripts/fetch-base.sh

clean-tree:
	rm -rf build/linux
	@[ -z "$(KSRC)" ] || git -C "$(KSRC)" worktree prune

clean:
	rm -rf build
