/**
 * The asid-rollover-ipi load under Linux 3.10's generation allocator: no IPIs, per-CPU active and
 * reserved ASIDs, a pending local flush on every CPU after a roll-over. Must end clean.
 */
import { rolloverLoad } from "./rollover-load.js";

export default rolloverLoad(
  "asid-rollover-generation",
  "linux-3.10 generation allocator, 3-bit ASIDs, 4 cores: repeated roll-over without IPIs (clean)",
  { asidAllocator: "linux-3.10", asidBits: 3, switchSequence: "reserved-ttbr0" },
  false,
);
