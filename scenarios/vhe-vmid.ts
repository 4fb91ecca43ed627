/**
 * The a15-vmid load on an arm64 host with VHE (src/hyp/vhe.ts, Linux v5.16) and the VMID allocator of
 * the same kernel, kvm-5.16 (arch/arm64/kvm/vmid.c): the world switch loads VTTBR in __load_stage2, a
 * step after kvm_arm_vmid_update published the VM's VMID, and leaves VTTBR loaded on exit. Both clean:
 * a VMID stays reserved for a CPU that has it active (kvm_arm_vmid_update runs with preemption off, so
 * the VMID read again by __load_stage2 is the one made active on this CPU).
 */
import { vmidLoad } from "./a15-vmid-rollover.js";

export const vheVmidSmall516 = vmidLoad(
  "vhe-vmid-small-5.16",
  "arm64 VHE world switch with kvm-5.16, 2 cores, 4 VMs, 2-bit VMIDs: VMID update and VTTBR load are separate steps, for search (clean)",
  "clean",
  {
    cores: 2,
    vcpus: [2, 1, 1, 1],
    rounds: 3,
    vmidBits: 2,
    vmidAllocator: "kvm-5.16",
    vmidPublish: "v5.0",
    pinned: true,
    worldSwitch: "vhe",
  },
);

export const vheVmidRollover516 = vmidLoad(
  "vhe-vmid-rollover-5.16",
  "arm64 VHE world switch with kvm-5.16, 9 VMs (10 vCPUs) on 4 cores, 3-bit VMIDs: roll-overs with vCPUs moving between cores (clean)",
  "clean",
  {
    cores: 4,
    vcpus: [2, 1, 1, 1, 1, 1, 1, 1, 1],
    rounds: 6,
    vmidBits: 3,
    vmidAllocator: "kvm-5.16",
    vmidPublish: "v5.0",
    worldSwitch: "vhe",
  },
);
