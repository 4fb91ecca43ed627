/**
 * The load the ASID roll-over scenarios share: by default ten mms (one with two threads) on 4 cores, on
 * a global run queue (tasks migrate between cores), each touching its own pages and the kernel's and
 * yielding often, with few ASIDs per generation so that the allocator rolls over many times. SMALL is
 * the same shape cut down for exhaustive exploration.
 */
export interface LoadSize {
  cores: number;
  mms: number;
  /** Time slices each task runs (each ends in a yield). */
  slices: number;
  /** Give mm M0 a second thread. */
  thread: boolean;
  /** Pin task i to core i mod cores (fewer scheduler choices to explore); otherwise tasks migrate. */
  pinned: boolean;
}

export const FULL: LoadSize = { cores: 4, mms: 10, slices: 6, thread: true, pinned: false };
/** Small enough for exhaustive exploration (dfs, dpor): 2 cores, 4 mms, one time slice each (the fourth
 *  switch rolls over). */
export const SMALL: LoadSize = { cores: 2, mms: 4, slices: 1, thread: false, pinned: true };

export function rolloverLoad(
  id: string,
  description: string,
  kernel: Record<string, unknown>,
  speculation: boolean,
  size: LoadSize = FULL,
) {
  const mms = Array.from({ length: size.mms }, (_, i) => `M${i}`);
  const tables: Record<string, Record<string, { pa: string }>> = {
    kernel: { "0xc0008000": { pa: "0x80008000" } },
  };
  mms.forEach((mm, i) => {
    tables[mm] = {
      "0x8000": { pa: `0x${(0x100 + 2 * i).toString(16)}000` },
      "0x9000": { pa: `0x${(0x101 + 2 * i).toString(16)}000` },
    };
  });
  const slice =
    size === FULL
      ? [
          { op: "read", va: "0x8000" },
          { op: "write", va: "0x9000" },
          { op: "read", va: "0x8000" },
          { op: "read", va: "0xc0008000" },
          { op: "yield" },
        ]
      : [{ op: "read", va: "0x8000" }, { op: "yield" }];
  const tasks = mms.map((mm, i) => ({
    id: mm,
    mm,
    ...(size.pinned ? { cores: [i % size.cores] } : {}),
    script: [{ op: "repeat", times: size.slices, body: slice }],
  }));
  if (size.thread) tasks.push({ id: "M0.t1", mm: "M0", script: [{ op: "repeat", times: size.slices, body: slice }] });
  return {
    id,
    description,
    expect: "clean",
    // arm64's allocator runs on arm64 (TTBR0/TTBR1 split); the 32-bit ARM allocators on ARMv7 without LPAE.
    machine: {
      arch: kernel.asidAllocator === "arm64" ? "armv8" : "armv7",
      cores: size.cores,
      tlbEntries: 16,
      speculation: { enabled: speculation, rate: 0.05 },
    },
    tables,
    kernel,
    tasks,
  };
}
