/**
 * KVM's VMID publish order under the ARMv8 memory model (machine.memoryModel "armv8"), small enough for
 * DPOR to exhaust: 2 cores, one VM with a vCPU on each, one guest access each. update_vttbr in v5.0
 * (fb544d1ca65a, virt/kvm/arm/arm.c) stores the VMID and kvm->arch.vttbr, then `smp_wmb()`, then the
 * VM's generation; need_new_vmid_gen reads the global generation, `smp_rmb()`, then the VM's.
 *
 * - `a15-vmid-armv8-no-barriers`: that store order without the two barriers. The stores are plain, so
 *   the generation may reach memory before kvm->arch.vttbr (store-store reordering, allowed by ARMv8):
 *   the other vCPU sees the new generation, skips the allocation and enters with the VTTBR of before
 *   (VMID 0, the host's). Clean under sc, where stores are seen in program order.
 * - `a15-vmid-armv8-fb544d1ca65a`: with the barriers, clean under armv8 too.
 */
import { vmidLoad } from "./a15-vmid-rollover.js";

const load = {
  cores: 2,
  vcpus: [2],
  rounds: 1,
  vmidBits: 2,
  vmidAllocator: "kvm-3.9",
  vmidPublish: "v5.0",
  pinned: true,
} as const;

function armv8Load(id: string, description: string, expect: "clean" | "violation", barriers: boolean) {
  const base = vmidLoad(id, description, expect, load);
  return {
    ...base,
    machine: { ...base.machine, memoryModel: "armv8" },
    hyp: { ...base.hyp, vmidBarriers: barriers },
    // One guest access per vCPU: the race is in the entry, not in the guest's work.
    tasks: base.tasks.map((t) => ({ ...t, script: [{ op: "read", va: "0x8000" }] })),
  };
}

export const a15VmidArmv8NoBarriers = {
  ...armv8Load(
    "a15-vmid-armv8-no-barriers",
    "kvm-3.9 with v5.0's publish order but without fb544d1ca65a's smp_wmb/smp_rmb, armv8 memory: explore finds a vCPU entering with the stale VTTBR (violation)",
    "violation",
    false,
  ),
  // Found by `explore --strategy dpor --preemptions 2` (schedule 1,984; random finds one in 10): core
  // 1's store buffer lets vm1.arch.vmid_gen reach memory before vm1.arch.vttbr (the `2` picks), and
  // core 0's unlocked check sees the new generation and enters with VTTBR 0.
  schedule: { choices: "0{40}1{16}20220{41}1" },
};

export const a15VmidArmv8Fixed = armv8Load(
  "a15-vmid-armv8-fb544d1ca65a",
  "kvm-3.9 v5.0 with fb544d1ca65a's smp_wmb/smp_rmb, armv8 memory: clean (bounded DPOR exhausts one preemption)",
  "clean",
  true,
);
