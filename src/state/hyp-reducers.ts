/** The hypervisor's events: vCPUs loaded and put, world switches, VMID allocation. */
import type { HypEvent } from "../events/hyp-events.js";
import { unchanged, type ReducerTable } from "./reducer.js";
import type { MachineState } from "./machine-state.js";
import type { HypState } from "./hyp-state.js";

/** The hypervisor's state: present whenever a hypervisor event is recorded (the scenario has a hypervisor). */
function hyp(s: MachineState): HypState {
  const h = s.hyp;
  if (!h) throw new Error("a hypervisor event in a machine without a hypervisor");
  return h;
}

export const hypReducers: ReducerTable<HypEvent> = {
  "vcpu.load": (s, ev, c) => {
    const h = hyp(s);
    h.cores[ev.core]!.vcpu = ev.vcpu;
    h.vcpus[ev.vcpu]!.loadedOn = ev.core;
    c.counters.cycles += s.costs.otherCycles;
  },
  "vcpu.put": (s, ev, c) => {
    const h = hyp(s);
    h.cores[ev.core]!.vcpu = "";
    h.vcpus[ev.vcpu]!.loadedOn = -1;
    c.counters.cycles += s.costs.otherCycles;
  },
  "hyp.save": (s, ev, c) => {
    const h = hyp(s);
    if (ev.into === "host") h.cores[ev.core]!.host = { ...ev.regs };
    else Object.assign(h.vcpus[ev.into]!.regs, ev.regs);
    c.counters.cycles += s.costs.otherCycles;
  },
  "hyp.enter": (s, ev, c) => {
    const h = hyp(s).cores[ev.core]!;
    h.inGuest = true;
    h.vm = ev.vm;
    h.vmid = ev.vmid;
    h.gen = ev.gen;
    c.regs.mode = ev.mode;
    c.regs.irqOn = true;
    c.counters.worldSwitches++;
    c.counters.cycles += s.costs.trapCycles;
  },
  "hyp.exit": (s, ev, c) => {
    const h = hyp(s).cores[ev.core]!;
    h.inGuest = false;
    h.vm = "";
    c.regs.mode = ev.mode;
    c.regs.irqOn = false;
    c.counters.worldSwitches++;
    c.counters.cycles += s.costs.trapCycles;
  },
  "vmid.assign": unchanged,
  "vmid.rollover": (_s, _ev, c) => {
    c.counters.vmidRollovers++;
  },
};
