/**
 * Linux 3.10.y's ARM allocator, arch/arm/mm/context.c (generation + bitmap, per-CPU active and
 * reserved ASIDs, tlb_flush_pending, no IPIs; with the 3.10 stable fixes: a CPU with no active ASID
 * keeps its reserved one, reserved entries move to the new generation, allocation resumes at cur_idx).
 * The fast path swaps active_asids with atomic64_xchg.
 */
import { bitmapAllocator } from "./bitmap-allocator.js";

export const linux310 = bitmapAllocator({
  name: "linux-3.10",
  source: "arch/arm/mm/context.c, Linux v3.10.y",
  fastPath: "xchg",
  switchRule: "arm",
});
