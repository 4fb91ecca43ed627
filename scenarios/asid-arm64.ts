/**
 * The roll-over load under the arm64 allocator (cmpxchg fast path), 3-bit ASIDs (the fewest that 4
 * CPUs allow) so that roll-over comes every few switches, the ASID and table written together (LPAE/arm64 TTBR) and speculative
 * walks on. Must end clean.
 */
import { rolloverLoad } from "./rollover-load.js";

export default rolloverLoad(
  "asid-arm64",
  "arm64 allocator (cmpxchg fast path), 3-bit ASIDs, atomic TTBR+ASID, speculative walks (clean)",
  { asidAllocator: "arm64", asidBits: 3, switchSequence: "atomic" },
  true,
);
