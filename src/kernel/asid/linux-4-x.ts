/**
 * The later ARM allocator, arch/arm/mm/context.c as it has been since the 2015 fixes that followed
 * arm64's rewrite (5aec715d7d31, v4.5): flush_context keeps the reserved ASID of a CPU that has not
 * switched since the last roll-over, check_update_reserved_asid moves every copy of a reserved ASID to
 * the new generation, new_context first tries to keep the mm's old ASID and allocates from cur_idx.
 * The fast path swaps active_asids with atomic64_xchg. It was called `linux-3.10` here before; v3.10.0
 * itself is `linux-3.10` (linux-3-10.ts). The exact commit that brought arch/arm to this shape is not
 * checked here, hence the name.
 */
import { bitmapAllocator } from "./bitmap-allocator.js";

export const linux4x = bitmapAllocator({
  name: "linux-4.x",
  source: "arch/arm/mm/context.c after the 2015 fixes (check_update_reserved_asid, cur_idx), Linux v4.x",
  fastPath: "xchg",
  switchRule: "arm",
});
