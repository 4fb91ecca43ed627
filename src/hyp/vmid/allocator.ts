/**
 * What the VMID allocators share: their interface and force_vm_exit's IPI. The interface is declared
 * with HypCtx in src/hyp/context.ts (each names the other; one file keeps the two from importing each
 * other) and re-exported here for the allocators.
 */
export type { Step, VmidAllocator } from "../context.js";

/** force_vm_exit's IPI: the handler itself does nothing (exit_vm_noop); taking it leaves the guest. */
export const EXIT_VM = "kvm-exit-vm";
