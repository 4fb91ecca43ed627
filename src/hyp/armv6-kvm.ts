/**
 * The ARMv6 world switch without virtualisation support, as KVM for ARM did it in 2010 (the seed
 * thread; Dall & Nieh, "KVM for ARM", Ottawa Linux Symposium 2010): the guest's kernel and user code
 * both run in USR mode on shadow page tables the host built; entering the guest swaps TTBR0 to the
 * shadow table (with a host ASID of its own) and sets TTBCR.N = 0 so the guest has all 4 GB; the switch
 * code runs from a page mapped in both worlds at 0xffff1000; the vector page goes low while an
 * interrupt is being injected into the guest. With the host kernel mapped global and no TLB flush on
 * the switch, the guest's accesses above PAGE_OFFSET can hit the host's global entries.
 */
import { shadowOf } from "../scenario/shadow.js";
import { coreHyp, vcpuOf, type HypCtx } from "./context.js";
import { saveRegs } from "../../cores/registers.js";
import { exitEvent, type WorldSwitchModel } from "./world-switch.js";

/** What the host's exception entry saves of its context (and the exit puts back through switch_mm). */
const HOST_SAVED = ["ttbr0", "asid", "ttbcrSplit", "vectorsHigh"] as const;

function* flush(h: HypCtx) {
  if (!h.hyp.flushOnSwitch) return;
  // TLBIALL then DSB: the v6 flush_tlb_all of the host (arch/arm/mm/tlb-v6.S).
  yield { k: "tlbi" as const, op: { scope: "all" as const }, broadcast: false };
  yield { k: "dsb" as const };
}

export const armv6Kvm: WorldSwitchModel = {
  guestMmuTraps: true,
  *enter(h, cpu, vcpu, inject) {
    const v = vcpuOf(h, vcpu);
    // The switch code runs on the shared page (an instruction fetch through the host's tables).
    yield { k: "access", va: h.hyp.sharedPage, write: false };
    // The host context is saved with interrupts off, so no handler changes it between read and store.
    yield { k: "reg", regs: { irqOn: false } };
    yield { k: "note", ev: { type: "hyp.save", into: "host", regs: saveRegs(h.k.state.cores[cpu]!.regs, HOST_SAVED) } };
    // switch_mm runs with interrupts on (__ARCH_WANT_INTERRUPTS_ON_CTXSW: a roll-over may wait for IPIs).
    yield { k: "reg", regs: { irqOn: true } };
    // TTBR0 ← the shadow table of the guest's current task, CONTEXTIDR ← its host ASID.
    yield* h.asids.switchMm(h.k, cpu, shadowOf(v.regs.ttbr0!));
    yield { k: "reg", regs: { irqOn: false } };
    yield* flush(h);
    if (inject) yield { k: "reg", regs: { vectorsHigh: false } };
    // TTBCR.N = 0: TTBR0, the shadow table, translates the guest's whole 4 GB.
    yield { k: "reg", regs: { ttbcrSplit: false } };
    yield { k: "isb" };
    yield { k: "note", ev: { type: "hyp.enter", vcpu, vm: v.vm, vmid: 0, gen: 0, mode: "USR" } };
  },
  *exit(h, cpu, vcpu, reason) {
    // The exception enters SVC through the host's high vectors and jumps to the shared page.
    if (!(yield* exitEvent(vcpu, reason, "SVC"))) return false;
    yield { k: "access", va: h.hyp.sharedPage, write: false };
    yield { k: "reg", regs: { ttbcrSplit: true } };
    yield { k: "isb" };
    yield* flush(h);
    const host = coreHyp(h, cpu).host!;
    if (h.k.state.cores[cpu]!.regs.vectorsHigh !== host.vectorsHigh) yield { k: "reg", regs: { vectorsHigh: host.vectorsHigh! } };
    // Back to the vCPU thread's own address space (the host process, e.g. QEMU).
    const task = h.k.state.cores[cpu]!.task;
    yield* h.asids.switchMm(h.k, cpu, h.k.state.tasks[task]!.mm);
    return true;
  },
};
