/**
 * Specs of the hypervisor's events. A core's hypervisor state goes with its registers for DPOR (entry
 * and exit change the mode and the interrupt mask); "guests" is the set of (VM, VMID) running.
 */
import type { HypEvent } from "./hyp-events.js";
import { changes, NOTHING, touchesNothing, type SpecTable } from "./spec.js";

const VCPUS = changes(["vcpu"], ["vcpus"]);

export const hypSpecs: SpecTable<HypEvent> = {
  "vcpu.load": {
    changes: VCPUS,
    touches: (ev, t) => {
      t.write(`regs:${ev.core}`);
      t.write(`vcpu:${ev.vcpu}`);
    },
    describe: (ev) => `load vCPU ${ev.vcpu}`,
  },
  "vcpu.put": {
    changes: VCPUS,
    touches: (ev, t) => {
      t.write(`regs:${ev.core}`);
      t.write(`vcpu:${ev.vcpu}`);
    },
    describe: (ev) => `put vCPU ${ev.vcpu}`,
  },
  "hyp.save": {
    changes: VCPUS,
    touches: (ev, t) => {
      t.read(`regs:${ev.core}`);
      t.write(ev.into === "host" ? `regs:${ev.core}` : `vcpu:${ev.into}`);
    },
    describe: (ev) => `save ${Object.keys(ev.regs).join(",")} → ${ev.into === "host" ? "host context" : `vCPU ${ev.into}`}`,
  },
  "hyp.enter": {
    changes: changes(["regs", "guest", "vcpu"], ["vcpus"]),
    touches: (ev, t) => {
      t.read(`vcpu:${ev.vcpu}`);
      t.write("guests");
      t.write(`guest:${ev.core}`);
      t.write(`running:${ev.core}`);
      t.write(`regs:${ev.core}`);
    },
    describe: (ev) => `ENTER guest ${ev.vm} (vCPU ${ev.vcpu}, VMID ${ev.gen}:${ev.vmid})`,
  },
  "hyp.exit": {
    changes: changes(["regs", "guest", "vcpu"], ["vcpus"]),
    touches: (ev, t) => {
      t.write("guests");
      t.write(`guest:${ev.core}`);
      t.write(`running:${ev.core}`);
      t.write(`regs:${ev.core}`);
    },
    describe: (ev) => `EXIT guest (vCPU ${ev.vcpu}, ${ev.reason})`,
  },
  "vmid.assign": { changes: NOTHING, touches: touchesNothing, describe: (ev) => `VM ${ev.vm} VMID ${ev.gen}:${ev.vmid}` },
  "vmid.rollover": { changes: NOTHING, touches: touchesNothing, describe: (ev) => `VMID ROLL-OVER to generation ${ev.gen}` },
};
