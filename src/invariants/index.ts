/** The invariants checked after every event, in the order they are checked. */
import { sameAsidThreads, uniqueAsidActive } from "./asid-active.js";
import { asidGenerationMonotonic } from "./asid-generation.js";
import { asidRegister } from "./asid-register.js";
import { coherence } from "./coherence.js";
import { isolation } from "./isolation.js";
import type { Invariant } from "./invariant.js";
import { vmIsolation } from "./vm-isolation.js";
import { noGuestUnderHostVmid } from "./guest-vmid.js";
import { sameVmidVcpus, uniqueVmidActive } from "./vmid-active.js";

export const machineInvariants: readonly Invariant[] = [
  noGuestUnderHostVmid,
  vmIsolation,
  coherence,
  isolation,
  uniqueAsidActive,
  sameAsidThreads,
  asidGenerationMonotonic,
  asidRegister,
  uniqueVmidActive,
  sameVmidVcpus,
];
