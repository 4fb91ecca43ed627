/**
 * The hypervisor's state at boot, from the scenario: each vCPU's guest registers as its kernel booted,
 * which VM owns which table, every core idle in the host.
 */
import type { CoreHyp, HypState, VcpuState } from "../state/hyp-state.js";
import type { Scenario } from "./types.js";
import { shadowOf } from "./shadow.js";

const idleCore = (): CoreHyp => ({ vcpu: "", inGuest: false, vm: "", vmid: 0, gen: 0, host: null });

/** Each VM's virtual counter offset (kvm->arch.timer.cntvoff): distinct, so a wrong restore shows. */
export const cntvoffOf = (vmIndex: number): number => 0x100000 * (vmIndex + 1);

export function initialHypState(scenario: Scenario): HypState | undefined {
  const hyp = scenario.hyp;
  if (!hyp) return undefined;
  const owner: Record<string, string> = {};
  for (const vm of hyp.vms) {
    for (const t of [vm.stage2, vm.kernelTable, ...vm.guestTasks.map((g) => g.table)]) owner[t] = vm.id;
    if (hyp.worldSwitch === "armv6-kvm") for (const g of vm.guestTasks) owner[shadowOf(g.table)] = vm.id;
  }
  const vcpus: Record<string, VcpuState> = {};
  let n = 0;
  for (const t of scenario.tasks) {
    if (t.vcpu === undefined) continue;
    const vmIndex = hyp.vms.findIndex((v) => v.id === t.vcpu);
    const vm = hyp.vms[vmIndex]!;
    const first = vm.guestTasks[0]!;
    // The guest booted: its kernel runs its first task, the virtual timer armed.
    vcpus[t.id] = {
      vm: vm.id,
      loadedOn: -1,
      regs: {
        mode: "SVC",
        ttbr0: first.table,
        ttbr1: vm.kernelTable,
        ttbcrSplit: true,
        asid: first.asid,
        vectorsHigh: true,
        cntvCtl: 1,
        cntvCval: 0x8000 + 0x100 * n++,
        cntvoff: cntvoffOf(vmIndex),
      },
    };
  }
  const cores = Array.from({ length: scenario.machine.cores }, idleCore);
  return hyp.worldSwitch === "armv6-kvm" ? { cores, vcpus, owner, sharedPage: hyp.sharedPage } : { cores, vcpus, owner };
}
