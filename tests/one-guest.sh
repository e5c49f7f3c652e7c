# SPDX-License-Identifier: GPL-2.0
# Sourced (after tests/kernels.sh) by the one-guest benchmarks and tests.
#
# guest_kernel KIND OUT: build the module for the kernel KIND names and
# set kver (its release) and ko (the module); VM_KERNEL is exported for
# the debug kernel, unset for Debian's.  The build log goes to OUT.
#   stock  Debian's 6.12 kernel (this host's)
#   debug  the debug kernel of tests/debug-kernel.sh (KASAN, lockdep,
#          PROVE_RCU, stall detectors)
guest_kernel() {
	local kdir
	case "$1" in
	stock)
		kver=${TCPS_KERNELS[6.12]}
		make --no-print-directory -s KVER="$kver" >"$2/build.log" 2>&1 ||
			{ cat "$2/build.log"; return 1; }
		ko=.build/tcpstates-$kver.ko
		unset VM_KERNEL
		;;
	debug)
		kdir=$(tests/debug-kernel.sh) || return 1
		kver=$(cat "$kdir/include/config/kernel.release")
		make --no-print-directory -s KVER=debug KDIR="$kdir" \
			>"$2/build.log" 2>&1 || { cat "$2/build.log"; return 1; }
		ko=.build/debug/tcpstates.ko
		export VM_KERNEL=$kdir/arch/x86/boot/bzImage
		;;
	*)
		return 2
		;;
	esac
}

# bench_guest OUT TAG SCRIPT TIMEOUT: boot kver with ko, guest SCRIPT and
# the socket maker and timer of tests/bench (built static in OUT), the
# kernel command line's extra words in $VM_APPEND; print its verdict.
bench_guest() {
	local out=$1 tag=$2 script=$3 timeout=$4 p

	for p in mksockets benchtime; do
		gcc -O2 -Wall -Wextra -Werror -static -o "$out/$p" \
			"tests/bench/$p.c" || return 1
	done
	tests/vm/mkinitramfs.sh "$out/initramfs.cpio.gz" "$kver" "$ko" \
		"$script" "$out/mksockets" "$out/benchtime" \
		>"$out/initramfs.log" 2>&1 || { cat "$out/initramfs.log"; return 1; }
	echo "# booting $tag: $kver under QEMU TCG, $VM_MEM MiB, ${VM_APPEND:-}"
	tests/vm/run-vm.sh "$kver" "$out/initramfs.cpio.gz" "$out/result.txt" \
		"$out/console.log" "$timeout" || true
	VM_TAG=$tag tests/vm/verdict.sh "$out/result.txt" "$out/console.log"
}
