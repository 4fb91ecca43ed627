/**
 * arm64's allocator, arch/arm64/mm/context.c (rewritten in commit 5aec715d7d31 on the 3.x ARM model).
 * Two fast paths, as the source had them over time: `arm64` / `arm64-xchg` swaps active_asids with
 * atomic64_xchg_relaxed (v4.x); `arm64-cmpxchg` reads it first and only replaces a non-zero value with
 * atomic64_cmpxchg_relaxed (commit a8ffaaa060b8, v5.x), so a roll-over's zero is never overwritten.
 */
import { bitmapAllocator } from "./bitmap-allocator.js";

export const arm64Xchg = bitmapAllocator({
  name: "arm64-xchg",
  source: "arch/arm64/mm/context.c, Linux v4.14 (atomic64_xchg_relaxed fast path)",
  fastPath: "xchg",
  switchRule: "arm64",
});

export const arm64Cmpxchg = bitmapAllocator({
  name: "arm64-cmpxchg",
  source: "arch/arm64/mm/context.c, Linux v5.12 (atomic64_cmpxchg_relaxed fast path, commit a8ffaaa060b8)",
  fastPath: "cmpxchg",
  switchRule: "arm64",
});

/** `arm64` is the current kernel's: the cmpxchg fast path. */
export const arm64 = { ...arm64Cmpxchg, name: "arm64" };
