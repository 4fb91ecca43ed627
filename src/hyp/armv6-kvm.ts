/**
 * The ARMv6 world switch without virtualisation support, as KVM for ARM did it in 2010 (the seed
 * thread; Dall & Nieh, "KVM for ARM", Ottawa Linux Symposium 2010): the guest's kernel and user code
 * both run in USR mode on shadow page tables the host built. The switch swaps what the thread names:
 * TTBR0 (to the shadow table, so the guest has all 4 GB) with CONTEXTIDR (a host ASID of its own), the
 * domain access control register and the vector base (high/low, low while an interrupt is injected);
 * the code runs from a page mapped in both worlds at 0xffff1000. The host already runs with TTBCR.N = 0
 * (ARMv6 Linux, __v6_setup in arch/arm/mm/proc-v6.S), so there is no TTBCR to change: TTBR0 translates
 * every VA in both worlds. DACR is not modelled: it changes permission checks, not what a walk fills
 * or how an entry is tagged. With the host kernel mapped global and no TLB flush on the switch, the
 * guest's accesses above PAGE_OFFSET can hit the host's global entries.
 */
import type { SwitchSequence } from "../scenario/types.js";
import { shadowOf } from "../scenario/shadow.js";
import { coreHyp, vcpuOf, type HypCtx } from "./context.js";
import { saveRegs } from "../../cores/registers.js";
import { exitEvent, type WorldSwitchModel } from "./world-switch.js";

/**
 * The order in which the world switch, running from the shared page, loads TTBR0 and CONTEXTIDR, both
 * ways. The 2010 code is not public; the thread says what it swaps, not in which order. With TTBR0
 * first and CONTEXTIDR second (cpu_v6_switch_mm's order, arch/arm/mm/proc-v6.S v2.6.36), a core that
 * walks speculatively can tag the guest's kernel translation with the host's ASID in between (and the
 * host's with the shadow's on the way out); ARM11 cores do not walk speculatively, so that order is
 * safe on the hardware the seed ran on. The model walks speculatively when a scenario asks it to, so
 * the switch goes through the reserved ASID as the architecture prescribes for such cores (ARM ARM
 * B3.10.4, "Synchronization of changes of ASID and TTBR"; cpu_v7_switch_mm, proc-v7.S v2.6.36), the
 * reserved ASID that the same kernel's flush_context writes before it flushes (quoted in the seed).
 */
export const WORLD_SWITCH_SEQUENCE: SwitchSequence = "reserved-asid";

/** What the host's exception entry saves of its context (and the exit puts back through switch_mm). */
const HOST_SAVED = ["ttbr0", "asid", "vectorsHigh"] as const;

function* flush(h: HypCtx) {
  if (!h.hyp.flushOnSwitch) return;
  // TLBIALL then DSB: the v6 flush_tlb_all of the host (arch/arm/mm/tlb-v6.S).
  yield { k: "tlbi" as const, op: { scope: "all" as const }, broadcast: false };
  yield { k: "dsb" as const };
}

export const armv6Kvm: WorldSwitchModel = {
  usesVmids: false,
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
    yield* h.asids.switchMm(h.switchK, cpu, shadowOf(v.regs.ttbr0!));
    yield { k: "reg", regs: { irqOn: false } };
    yield* flush(h);
    if (inject) {
      yield { k: "reg", regs: { vectorsHigh: false } };
      yield { k: "isb" };
    }
    yield { k: "note", ev: { type: "hyp.enter", vcpu, vm: v.vm, vmid: 0, gen: 0, mode: "USR" } };
  },
  *exit(h, cpu, vcpu, reason) {
    // The exception enters SVC through the host's high vectors and jumps to the shared page.
    if (!(yield* exitEvent(vcpu, reason, "SVC"))) return false;
    yield { k: "access", va: h.hyp.sharedPage, write: false };
    yield* flush(h);
    const host = coreHyp(h, cpu).host!;
    if (h.k.state.cores[cpu]!.regs.vectorsHigh !== host.vectorsHigh) yield { k: "reg", regs: { vectorsHigh: host.vectorsHigh! } };
    // Back to the vCPU thread's own address space (the host process, e.g. QEMU).
    const task = h.k.state.cores[cpu]!.task;
    yield* h.asids.switchMm(h.switchK, cpu, h.k.state.tasks[task]!.mm);
    return true;
  },
};
