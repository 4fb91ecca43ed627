/**
 * kvm-3.9 cut down for exploration: 2 cores, 4 VMs (vm1 with a vCPU on each core), 2-bit VMIDs, so
 * the generation rolls over while vm1's other vCPU is in its run loop. DPOR does not exhaust it yet
 * (about 3,000 events a schedule); random and PCT sample it.
 *
 * `a15-vmid-publish-race` is 3.9's update_vttbr as written: the VM's new generation is stored before
 * its new VMID and the VTTBR built from it (kvm->arch.vttbr, which the world switch loads). vm1's vCPU
 * on the other core can see the new generation in its unlocked check and in its re-check with
 * interrupts off, and enter with the VTTBR of the old generation, whose VMID the allocator then gives
 * to another VM: that VM hits vm1's TLB entries. Christoffer Dall described exactly this
 * race in "KVM: arm/arm64: Fix VMID alloc race by reverting to lock-less" (v5.0, fb544d1ca65a), which
 * publishes the VMID first; `a15-vmid-small` is that order, clean under exploration.
 * `a15-vmid-small-5.16` is the same load on the allocator that replaced it (arch/arm64/kvm/vmid.c).
 */
import { vmidLoad } from "./a15-vmid-rollover.js";

const small = { cores: 2, vcpus: [2, 1, 1, 1], rounds: 3, vmidBits: 2, vmidAllocator: "kvm-3.9", pinned: true } as const;

export const a15VmidPublishRace = {
  ...vmidLoad(
    "a15-vmid-publish-race",
    "kvm-3.9 publishing the generation before the VMID and VTTBR (v3.9 to v4.16), 2 cores, 2-bit VMIDs: explore finds a VM entering with a stale VMID (violation)",
    "violation",
    { ...small, vmidPublish: "v3.9" },
  ),
  // The race needs a vCPU to run its checks between the stores, which realistic timing never gives;
  // this is the schedule `explore --strategy pct` found (13 schedules), shrunk, so that `smpsim run`
  // shows the violation as listed (--seed N runs the random strategy instead): a vCPU passes the
  // generation check and enters with kvm->arch.vttbr not yet holding the new VMID (VMID 0).
  schedule: { choices: "101{33}0{43}" },
};

export const a15VmidSmall = vmidLoad(
  "a15-vmid-small",
  "kvm-3.9 publishing the VMID and VTTBR before the generation (v5.0 fix), 2 cores, 2-bit VMIDs, for search (clean)",
  "clean",
  { ...small, vmidPublish: "v5.0" },
);

export const a15VmidSmall516 = vmidLoad(
  "a15-vmid-small-5.16",
  "kvm-5.16 (the arm64 ASID allocator for VMIDs: active/reserved VMIDs, no kicks) under the A15 world switch (a hybrid), 2 cores, 2-bit VMIDs, for search (clean)",
  "clean",
  { ...small, vmidAllocator: "kvm-5.16", vmidPublish: "v5.0" },
);
