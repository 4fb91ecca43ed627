/**
 * Linux 2.6.36's allocator (arch/arm/mm/context.c) with 3-bit ASIDs on 4 cores: eleven tasks in ten
 * mms roll the generation over again and again; each roll-over IPIs the other cores with
 * reset_context and waits. Must end clean: no stale translation used, no two mms sharing an ASID.
 */
import { rolloverLoad } from "./rollover-load.js";

export default rolloverLoad(
  "asid-rollover-ipi",
  "linux-2.6.36 allocator, 3-bit ASIDs, 4 cores: repeated roll-over broadcast by IPI (clean)",
  { asidAllocator: "linux-2.6.36", asidBits: 3, switchSequence: "reserved-asid" },
  false,
);
