/**
 * vhe-vmid-rollover-5.16 under machine.memoryModel "armv8": a finding, kept with its schedule. The VMID
 * allocator modelled as kvm-5.16 is the one of the v5.18 series (arch/arm64/kvm/vmid.c, 417838392f2e ..
 * 100b4f092f87), whose kvm_arm_vmid_clear_active() sets a CPU's active_vmids to VMID_ACTIVE_INVALID at
 * vCPU put. A roll-over's flush_context (atomic64_add_return_relaxed of vmid_generation, then
 * atomic64_xchg_relaxed of each active_vmids to 0) orders neither store; the put's INVALID overwrites
 * the 0 (coherence-after it), so the next kvm_arm_vmid_update's fast path sees a non-zero active VMID,
 * may read vmid_generation from before the roll-over (the shape R+po+dmb.sy, allowed by ARMv8: the
 * writer has no barrier), passes vmid_gen_match and keeps an old-generation VMID that the bitmap no
 * longer holds and another VM is then given. Under sc (and TSO) the reader must see the new generation.
 * Caveats (README, "Finding under armv8"): the allocator runs under this model's VHE world switch, and
 * whether upstream's fast path changed after v5.18 was not checked.
 */
import { vheVmidRollover516 } from "./vhe-vmid.js";

export default {
  ...vheVmidRollover516,
  id: "vhe-vmid-rollover-armv8",
  description:
    "vhe-vmid-rollover-5.16 under the armv8 memory model: VMID_ACTIVE_INVALID at vCPU put hides a roll-over's zero and a stale generation read keeps an old VMID (violation: a finding)",
  expect: "violation" as const,
  machine: { ...vheVmidRollover516.machine, memoryModel: "armv8" as const },
  // Found by `smpsim explore vhe-vmid-rollover-5.16 --set machine.memoryModel=armv8 --strategy random
  // --budget 300` (schedule 34), shrunk by explore: core 2 runs vm4's guest with a VMID vm6 was given.
  schedule: {
    choices:
      "19253511323{3}212060{6}1{3}011001100103133021010{3}21212122001101201230123200210011010{4}110010010031220011202110110{3}1{3}011220120{3}13102320110201021331202{4}1{5}0{5}1332040101231011312030020110{3}2021{6}330101{4}330331233221231313212020301101311201323130131232032232302210132123213{3}23031{3}320302101220021231200213032110{4}300320102003220323221232130{4}23221010{4}300101233002303321600210{3}12123303220230105201020212331360123023{3}01100232{4}3233022003002132{3}321300402321121203123131002321201212{3}31101010012131311013123232{3}1331010{3}22301120313002031123110130103110200313311001120211303011202002301030100331221103021123132{3}11203{3}13020032303{3}012210202331200101120320230130013300123231223310332120100121021200300203123100332{3}30{3}122312{3}0331130013321011230303022320023131{3}200313112102323221101320202010230330012121230131100132410{3}133223003132001330212301{3}010122003021300132101100305411051430{3}22120{3}2200130011210{4}1001102011001201{3}21{3}01{3}020{4}21020{4}2{3}112320202102{3}31102131101002113112{3}323020{3}103223031323210301310113223031001{3}0{3}2112330023201020013012030{4}10011002{3}0132{3}011220{3}211021200101022021210201210{5}20020201{4}2010210021{4}00110{3}1001101101002{52}",
  },
};
