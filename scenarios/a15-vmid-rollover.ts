/**
 * Cortex-A15-style KVM (HYP mode, stage 2, VMIDs) with more VMs than VMIDs: 3-bit VMIDs (1 to 7; 0 is
 * the host's) for nine VMs on four cores, so the VMID generation rolls over while vCPUs of other VMs
 * run. (With 2-bit VMIDs and four cores each running a different VM, kvm-3.9 thrashes: every
 * allocation after a roll-over needs a fourth VMID, rolls over again and kicks everyone out.) Every guest uses the same guest ASIDs and VAs for different memory: only the
 * VMID keeps their TLB entries apart. vm1 has two vCPUs, whose threads the host scheduler moves
 * between cores; each vCPU traps to the host now and then and yields its core.
 */
import type { VmidPublish } from "../src/scenario/types.js";

const pa = (n: number): string => `0x${n.toString(16)}`;
const rd = (va: string) => ({ op: "read", va });

export interface VmLoad {
  cores: number;
  /** vCPUs per VM. */
  vcpus: readonly number[];
  rounds: number;
  vmidBits: number;
  vmidAllocator: "kvm-3.9" | "kvm-5.16";
  vmidPublish: VmidPublish;
  /** Pin vCPU thread i to core i mod cores (fewer schedules to explore); otherwise they move. */
  pinned?: boolean;
  /** "vhe": an arm64 host with VHE (src/hyp/vhe.ts) and the arm64 ASID allocator; a15-hyp otherwise. */
  worldSwitch?: "a15-hyp" | "vhe";
}

export function vmidLoad(id: string, description: string, expect: "clean" | "violation", load: VmLoad) {
  const vhe = load.worldSwitch === "vhe";
  const tables: Record<string, Record<string, object>> = {
    kernel: { "0xc0010000": { pa: "0x80010000" }, "0xc0011000": { pa: "0x80011000" } },
    qemu: { "0x8000": { pa: "0x10000" } },
  };
  const vms = load.vcpus.map((_, i) => {
    const vm = `vm${i + 1}`;
    const ram = 0x40000000;
    const host = 0x60000000 + i * 0x100000;
    const ipa = (n: number) => ({ pa: pa(ram + n * 0x1000) });
    tables[`${vm}.s2`] = Object.fromEntries(
      Array.from({ length: 8 }, (_, n) => [pa(ram + n * 0x1000), { pa: pa(host + n * 0x1000) }]),
    );
    tables[`${vm}.kernel`] = { "0xc0000000": ipa(0), "0xc0001000": ipa(1) };
    tables[`${vm}.init`] = { "0x8000": ipa(2), "0x9000": ipa(3) };
    tables[`${vm}.app`] = { "0x8000": ipa(4) };
    return {
      id: vm,
      stage2: `${vm}.s2`,
      kernelTable: `${vm}.kernel`,
      guestTasks: [
        { id: "init", table: `${vm}.init`, asid: 1 },
        { id: "app", table: `${vm}.app`, asid: 2 },
      ],
    };
  });
  const slice = [
    rd("0x8000"),
    rd("0x9000"),
    rd("0xc0000000"),
    rd("0x8000"),
    { op: "hvc", host: ["0xc0010000"] },
    { op: "guest-switch", task: "app" },
    rd("0x8000"),
    rd("0xc0001000"),
    rd("0x8000"),
    { op: "guest-switch", task: "init" },
    { op: "yield" },
  ];
  const tasks = load.vcpus
    .flatMap((n, i) => Array.from({ length: n }, (_, v) => ({ id: `vm${i + 1}.vcpu${v}`, mm: "qemu", vcpu: `vm${i + 1}` })))
    .map((t, i) => ({
      ...t,
      cores: load.pinned ? [i % load.cores] : [],
      script: [{ op: "repeat", times: load.rounds, body: slice }],
    }));
  return {
    id,
    description,
    expect,
    // KVM/ARM on 32-bit hosts needs LPAE (arch/arm/kvm/Kconfig, v3.9: KVM depends on ARM_VIRT_EXT && ARM_LPAE), so
    // the host splits TTBR0 / TTBR1.
    machine: { arch: vhe ? "armv8" : "armv7-lpae", cores: load.cores, tlbEntries: 32 },
    tables,
    // The host: a v7 kernel with the generation allocator and TTBR0 on the swapper tables while it
    // switches; under VHE an arm64 kernel (ASID and table base in one TTBR write, cpu_do_switch_mm).
    kernel: vhe
      ? { asidAllocator: "arm64", switchSequence: "atomic" }
      : { asidAllocator: "linux-4.x", switchSequence: "reserved-ttbr0" },
    hyp: {
      worldSwitch: vhe ? "vhe" : "a15-hyp",
      vmidAllocator: load.vmidAllocator,
      vmidBits: load.vmidBits,
      vmidPublish: load.vmidPublish,
      vms,
    },
    tasks,
  };
}

export default vmidLoad(
  "a15-vmid-rollover",
  "Cortex-A15 KVM, 9 VMs (10 vCPUs) on 4 cores, 3-bit VMIDs: kvm-3.9 roll-overs kick vCPUs out and flush every VMID (clean)",
  "clean",
  { cores: 4, vcpus: [2, 1, 1, 1, 1, 1, 1, 1, 1], rounds: 6, vmidBits: 3, vmidAllocator: "kvm-3.9", vmidPublish: "v3.9" },
);
