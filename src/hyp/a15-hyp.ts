/**
 * The Cortex-A15 world switch with the virtualisation extensions, after arch/arm/kvm/interrupts.S and
 * interrupts_head.S (v3.9): __kvm_vcpu_run saves the host's state, restores the virtual timer, swaps
 * the CP15 (EL1) registers host → guest, sets the HCR traps and stage 2 (HCR.VM), writes VTTBR with
 * the VM's stage-2 table and VMID, and erets to the guest. __kvm_vcpu_return undoes it: VTTBR ← 0,
 * traps off, CP15 guest → vCPU and host restored, virtual timer saved and disabled.
 * Virtual timer order (restore_timer_state / save_timer_state): restore CNTVOFF, CNTV_CVAL, ISB,
 * CNTV_CTL; save CNTV_CTL, clear its ENABLE, ISB, save CNTV_CVAL, CNTVOFF ← 0 for the host.
 */
import type { Op } from "../engine/ops.js";
import { coreHyp, vcpuOf, vmSpec } from "./context.js";
import { saveRegs, type SavedRegs } from "../../cores/registers.js";
import { exitEvent, type WorldSwitchModel } from "./world-switch.js";

/** HCR bits (ARM ARM B4.1.65) of HCR_GUEST_MASK in arch/arm/include/asm/kvm_arm.h (v3.9), less VM
 *  (the `stage2` register): SWIO, FMO, IMO, AMO, FB, BSU_IS, TWI, TSC, TIDCP, TAC, TSW. */
export const HCR_GUEST_TRAPS =
  (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 9) | (1 << 10) | (1 << 13) | (1 << 19) | (1 << 20) | (1 << 21) | (1 << 22);
/** HCR.VI: a virtual IRQ is pending for the guest (how KVM injects one before the vGIC). */
export const HCR_VI = 1 << 7;

/** The CP15 registers a world switch swaps (read_cp15_state / write_cp15_state), in its order. */
export const CP15_SWAPPED = ["vectorsHigh", "ttbr0", "ttbr1", "ttbcrSplit", "asid"] as const;

function* writeCp15(from: SavedRegs): Generator<Op, void, number> {
  for (const r of CP15_SWAPPED) yield { k: "reg", regs: { [r]: from[r] } };
}

export const a15Hyp: WorldSwitchModel = {
  usesVmids: true,
  guestMmuTraps: false,
  *enter(h, cpu, vcpu, inject) {
    const v = vcpuOf(h, vcpu);
    const vm = v.vm;
    const vmids = h.vmids;
    // kvm_arch_vcpu_ioctl_run: update_vttbr with interrupts on, then the re-check with them off.
    let gen: number;
    for (;;) {
      yield* vmids.update(h, cpu, vm);
      yield { k: "reg", regs: { irqOn: false } };
      gen = yield* vmids.recheck(h, cpu, vm);
      if (gen >= 0) break;
      yield { k: "reg", regs: { irqOn: true } };
    }
    // kvm_call_hyp: HVC into Hyp mode.
    yield { k: "reg", regs: { mode: "HYP" } };
    const core = h.k.state.cores[cpu]!;
    yield { k: "note", ev: { type: "hyp.save", into: "host", regs: saveRegs(core.regs, CP15_SWAPPED) } };
    // restore_timer_state
    yield { k: "reg", regs: { cntvoff: v.regs.cntvoff! } };
    yield { k: "reg", regs: { cntvCval: v.regs.cntvCval! } };
    yield { k: "isb" };
    yield { k: "reg", regs: { cntvCtl: v.regs.cntvCtl! } };
    // write_cp15_state read_from_vcpu = 1
    yield* writeCp15(v.regs);
    // configure_hyp_role vmentry, then VTTBR from kvm->arch.vttbr.
    yield { k: "reg", regs: { hcr: HCR_GUEST_TRAPS | (inject ? HCR_VI : 0), stage2: true } };
    const vmid = yield* vmids.vttbrVmid(h, cpu, vm);
    yield { k: "reg", regs: { vttbr: vmSpec(h, vm).stage2, vmid } };
    yield { k: "isb" };
    // eret: the guest runs, interrupts unmasked (they trap to Hyp through HCR.IMO).
    yield { k: "note", ev: { type: "hyp.enter", vcpu, vm, vmid, gen, mode: v.regs.mode ?? "SVC" } };
  },
  *exit(h, cpu, vcpu, reason) {
    // The exception (HVC, a trapped access, an IRQ through HCR.IMO) enters Hyp mode.
    if (!(yield* exitEvent(vcpu, reason, "HYP"))) return false;
    const core = h.k.state.cores[cpu]!;
    // VTTBR ← 0 (VMID 0 is the host's) and the traps off.
    yield { k: "reg", regs: { vttbr: "", vmid: 0 } };
    yield { k: "reg", regs: { hcr: 0, stage2: false } };
    // read_cp15_state store_to_vcpu = 1; write_cp15_state read_from_vcpu = 0
    yield { k: "note", ev: { type: "hyp.save", into: vcpu, regs: saveRegs(core.regs, CP15_SWAPPED) } };
    yield* writeCp15(coreHyp(h, cpu).host!);
    // save_timer_state
    yield { k: "note", ev: { type: "hyp.save", into: vcpu, regs: { cntvCtl: core.regs.cntvCtl } } };
    yield { k: "reg", regs: { cntvCtl: core.regs.cntvCtl & ~1 } };
    yield { k: "isb" };
    yield { k: "note", ev: { type: "hyp.save", into: vcpu, regs: { cntvCval: core.regs.cntvCval } } };
    yield { k: "reg", regs: { cntvoff: 0 } };
    // eret to the host's SVC mode.
    yield { k: "reg", regs: { mode: "SVC" } };
    return true;
  },
};
