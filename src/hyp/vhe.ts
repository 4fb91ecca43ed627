/**
 * The arm64 world switch with VHE (ARMv8.1 E2H: the host kernel itself runs at EL2), after Linux v5.16:
 * kvm_arch_vcpu_ioctl_run (arch/arm64/kvm/arm.c), __kvm_vcpu_run_vhe (arch/arm64/kvm/hyp/vhe/switch.c),
 * __load_stage2 (arch/arm64/include/asm/kvm_mmu.h), kvm_vcpu_load_sysregs_vhe / sysreg_*_vhe
 * (arch/arm64/kvm/hyp/vhe/sysreg-sr.c). Unlike a15-hyp, updating the VM's VMID (kvm_arm_vmid_update, in
 * the run loop) and loading VTTBR (__load_stage2, reading vmid->id again through kvm_get_vttbr) are
 * separate steps, and the exit leaves VTTBR_EL2 as it was.
 *
 * The modelled core has one set of stage-1 registers; with VHE the host's are the EL2 ones (TTBR0_EL2 via
 * E2H) and the guest's the EL1 ones, loaded by kvm_vcpu_load_sysregs_vhe at vcpu_load, and which set the
 * walker uses is decided by HCR_EL2.TGE (ARM ARM D5.1 "translation regimes": EL2&0 while TGE = 1, EL1&0
 * with stage 2 and the VMID while TGE = 0). So the HCR write that clears TGE (__activate_traps) is here one
 * register write that also brings in the guest's stage-1 registers and the VMID of the VTTBR written
 * before, and the one that sets it (__deactivate_traps) brings the host's back with VMID 0 (the EL2&0
 * regime's entries are not tagged with a VMID; the model's VMID 0 is the host's).
 */
import { saveRegs } from "../../cores/registers.js";
import { CP15_SWAPPED, HCR_GUEST_TRAPS, HCR_VI } from "./a15-hyp.js";
import { coreHyp, vcpuOf, vmSpec } from "./context.js";
import { exitEvent, type WorldSwitchModel } from "./world-switch.js";

const pick = (from: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const r of CP15_SWAPPED) out[r] = from[r];
  return out;
};

export const vheHyp: WorldSwitchModel = {
  usesVmids: true,
  guestMmuTraps: false,
  *enter(h, cpu, vcpu, inject) {
    const v = vcpuOf(h, vcpu);
    const vm = v.vm;
    const vmids = h.vmids;
    // kvm_arch_vcpu_ioctl_run (v5.16): preempt_disable(); kvm_arm_vmid_update(&vcpu->arch.hw_mmu->vmid);
    // ...; local_irq_disable(). The allocator's re-check runs with interrupts off (kvm-3.9's
    // need_new_vmid_gen; kvm-5.16 only reads the generation back for the hyp.enter event).
    let gen: number;
    for (;;) {
      yield* vmids.update(h, cpu, vm);
      yield { k: "reg", regs: { irqOn: false } };
      gen = yield* vmids.recheck(h, cpu, vm);
      if (gen >= 0) break;
      yield { k: "reg", regs: { irqOn: true } };
    }
    // kvm_arm_vcpu_enter_exit → __kvm_vcpu_run_vhe: a plain call (the host already runs at EL2); the
    // model's HYP mode marks the world-switch code.
    yield { k: "reg", regs: { mode: "HYP" } };
    const core = h.k.state.cores[cpu]!;
    // sysreg_save_host_state_vhe(host_ctxt)
    yield { k: "note", ev: { type: "hyp.save", into: "host", regs: saveRegs(core.regs, CP15_SWAPPED) } };
    // The virtual timer (kvm_timer_vcpu_load at vcpu_load in v5.16): CNTVOFF, CNTV_CVAL, ISB, CNTV_CTL.
    yield { k: "reg", regs: { cntvoff: v.regs.cntvoff! } };
    yield { k: "reg", regs: { cntvCval: v.regs.cntvCval! } };
    yield { k: "isb" };
    yield { k: "reg", regs: { cntvCtl: v.regs.cntvCtl! } };
    // __load_stage2(mmu, mmu->arch): write_sysreg(kvm_get_vttbr(mmu), vttbr_el2), kvm_get_vttbr reading
    // atomic64_read(&vmid->id) now, a step after kvm_arm_vmid_update wrote it (ISB only with
    // ARM64_WORKAROUND_SPECULATIVE_AT, not modelled). Called before __activate_traps (erratum 1165522).
    const vmid = yield* vmids.vttbrVmid(h, cpu, vm);
    yield { k: "reg", regs: { vttbr: vmSpec(h, vm).stage2 } };
    // __activate_traps: HCR_EL2 ← the guest's flags, TGE clear: from here the walker uses the EL1&0
    // regime, the guest's stage 1 (loaded at vcpu_load) under stage 2 and VTTBR's VMID.
    yield { k: "reg", regs: { ...pick(v.regs), hcr: HCR_GUEST_TRAPS | (inject ? HCR_VI : 0), stage2: true, vmid } };
    yield { k: "isb" };
    // __guest_enter: eret to the guest.
    yield { k: "note", ev: { type: "hyp.enter", vcpu, vm, vmid, gen, mode: v.regs.mode ?? "SVC" } };
  },
  *exit(h, cpu, vcpu, reason) {
    if (!(yield* exitEvent(vcpu, reason, "HYP"))) return false;
    const core = h.k.state.cores[cpu]!;
    // sysreg_save_guest_state_vhe (the EL1 registers themselves are saved at vcpu_put; saved here).
    yield { k: "note", ev: { type: "hyp.save", into: vcpu, regs: saveRegs(core.regs, CP15_SWAPPED) } };
    // __deactivate_traps: HCR_EL2 ← HCR_HOST_VHE_FLAGS (TGE set): the host's EL2&0 regime again, VMID-less.
    // VTTBR_EL2 keeps the guest's table: nothing clears it on a VHE exit.
    yield { k: "reg", regs: { ...pick(coreHyp(h, cpu).host!), hcr: 0, stage2: false, vmid: 0 } };
    // The virtual timer saved and disabled (kvm_timer_vcpu_put at vcpu_put in v5.16).
    yield { k: "note", ev: { type: "hyp.save", into: vcpu, regs: { cntvCtl: core.regs.cntvCtl } } };
    yield { k: "reg", regs: { cntvCtl: core.regs.cntvCtl & ~1 } };
    yield { k: "isb" };
    yield { k: "note", ev: { type: "hyp.save", into: vcpu, regs: { cntvCval: core.regs.cntvCval } } };
    yield { k: "reg", regs: { cntvoff: 0 } };
    yield { k: "reg", regs: { mode: "SVC" } };
    return true;
  },
};
