#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot /boot/vmlinuz-KVER with an initramfs from mkinitramfs.sh.
#
# usage: run-vm.sh KVER INITRAMFS RESULT_FILE CONSOLE_LOG [TIMEOUT_SECONDS]
#
# ttyS0 (kernel log and test output) goes to CONSOLE_LOG, ttyS1 (the result
# channel) to RESULT_FILE; separate files, so the two never interleave.
#
# A kernel that dies while booting, before init's first console line
# ("harness: kernel ...", printed before any module is loaded), so before
# anything of ours ran, is booted once more (twice, if the second boot
# died quickly too): QEMU TCG now and then runs a stale int3 left by the
# kernel's own boot-time text patching, an Oops with no module loaded.
# The first console is kept as *.first.log, the second as *.second.log.
#
# Exit status: QEMU's own (0 after a guest power off, and also after a
# panic, since -no-reboot turns the panic's reboot into an exit), or 124
# when the host-side timeout (default 300 s) had to kill it. Judge the run
# with verdict.sh, not with this status.
#
# environment:
#   VM_APPEND  extra kernel command line words (the guest sees them in
#              /proc/cmdline; smoke-test.sh reads "smoke=..." from there)
#   VM_ARCH    x86_64 (default) or arm64 (qemu-system-aarch64 -M virt)
#   VM_QEMU    QEMU binary (default: the one for VM_ARCH)
#   VM_KERNEL  kernel image to boot instead of /boot/vmlinuz-KVER (the
#              debug kernel's bzImage)
#   VM_MEM     guest memory in MiB (default 1024)
#   VM_SMP     vCPUs (default 2); more than the host's cores makes TCG
#              stop a vCPU anywhere, mid-chain in a walk too, as an
#              overcommitted hypervisor does
#   VM_DISK    a file system image attached read-only as a virtio disk
#              (/dev/vda in the guest): the root of guests that boot a
#              cached Debian tree (tests/apt-guest.sh)
#   VM_TCG_THREAD  "single": both vCPUs in one host thread (round robin)
#              instead of one thread each.  For guests that patch kernel
#              text over and over (a module reloaded under load: static
#              keys, kprobes): multi-threaded TCG now and then runs a
#              stale translation of a patched site, an "Oops: int3" with
#              no patch in flight, which no real CPU does.
set -euo pipefail

[ $# -ge 4 ] || { echo "usage: $0 KVER INITRAMFS RESULT_FILE CONSOLE_LOG [TIMEOUT_SECONDS]" >&2; exit 2; }
kver=$1 initramfs=$2 result=$3 console=$4 timeout_s=${5:-300}
kernel=${VM_KERNEL:-/boot/vmlinuz-$kver}
[ -r "$kernel" ] || { echo "run-vm: $kernel not readable" >&2; exit 2; }
[ -r "$initramfs" ] || { echo "run-vm: $initramfs not readable" >&2; exit 2; }

# Stale files from an earlier run must not be judged as this run's output.
rm -f "$result" "$console"

# panic=-1 reboots at once on a panic, and -no-reboot turns that into QEMU
# exiting, so a crash ends the run instead of waiting for the timeout.
# panic_on_warn/oops=panic make any WARN or oops fatal and thus visible.
# Kernel log level stays at its default so BUG/WARN lines reach the log.
# No KVM on the build machines: TCG with the richest emulated CPU.
# -nodefaults drops the default VGA, NIC, monitor and serial ports so the
# two -serial options below are exactly ttyS0 and ttyS1.  arm64's virt
# machine has one UART: the results go to a virtio console (hvc0) there,
# and init.sh is told so on the command line.
case "${VM_ARCH:-x86_64}" in
x86_64)
	qemu=qemu-system-x86_64 tty=ttyS0
	machine=(-serial "file:$result")
	;;
arm64)
	qemu=qemu-system-aarch64 tty="ttyAMA0 tcps_result=hvc0"
	# shellcheck disable=SC2054 # QEMU's own comma syntax
	machine=(-M virt -device virtio-serial-pci
		-chardev "file,id=result,path=$result"
		-device virtconsole,chardev=result)
	;;
*)
	echo "run-vm: VM_ARCH ${VM_ARCH} is not x86_64 or arm64" >&2
	exit 2
	;;
esac
disk=()
if [ -n "${VM_DISK:-}" ]; then
	[ -r "$VM_DISK" ] || { echo "run-vm: VM_DISK $VM_DISK not readable" >&2; exit 2; }
	disk=(-drive "file=$VM_DISK,if=virtio,format=raw,readonly=on")
fi
cmdline="console=$tty rdinit=/init panic=-1 panic_on_warn=1 oops=panic ${VM_APPEND:-}"

boot() {
	status=0
	timeout --kill-after=10 "$timeout_s" "${VM_QEMU:-$qemu}" \
		-nodefaults -display none -no-reboot \
		-accel "tcg${VM_TCG_THREAD:+,thread=$VM_TCG_THREAD}" -cpu max \
		-smp "${VM_SMP:-2}" -m "${VM_MEM:-1024}" \
		-nic none -serial "file:$console" "${machine[@]}" "${disk[@]}" \
		-kernel "$kernel" -initrd "$initramfs" -append "$cmdline" \
		</dev/null || status=$?
}
boot
if ! grep -q "harness: kernel " "$console" 2>/dev/null; then
	first=${console%.log}.first.log
	echo "# run-vm: no word from the guest's init, the kernel died booting (see $first): booting once more"
	mv "$console" "$first"
	boot
fi
# Twice in a row happens (the KASAN 7.3 kernel on a busy host): a third
# boot, unless the second one hung until the timeout.
if [ "$status" -ne 124 ] && [ "$status" -ne 137 ] &&
	! grep -q "harness: kernel " "$console" 2>/dev/null; then
	second=${console%.log}.second.log
	echo "# run-vm: the kernel died booting again (see $second): a last boot"
	mv "$console" "$second"
	boot
fi
# timeout reports 137 when it had to use SIGKILL; both mean "timed out".
[ "$status" -eq 137 ] && status=124
[ "$status" -ne 124 ] || echo "run-vm: guest timed out after $timeout_s s" >&2
exit "$status"
