/**
 * The asid-rollover-ipi load under the later (linux-4.x) generation allocator: no IPIs, per-CPU active and
 * reserved ASIDs, a pending local flush on every CPU after a roll-over. Must end clean.
 */
import { rolloverLoad } from "./rollover-load.js";

export default rolloverLoad(
  "asid-rollover-generation",
  "linux-4.x generation allocator, 3-bit ASIDs, 4 cores: repeated roll-over without IPIs (clean)",
  { asidAllocator: "linux-4.x", asidBits: 3, switchSequence: "reserved-ttbr0" },
  false,
);
