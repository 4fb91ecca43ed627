/**
 * The default scenario: a 4-core machine running five address spaces (two of them with two threads)
 * that read and write their pages and the kernel's, yield to each other so that every core context
 * switches, and map and unmap pages with broadcast shootdowns. `scale` repeats the workload (the
 * benchmark runs it at a scale giving over a million events).
 */
export function defaultScenario(scale = 1) {
  const rd = (va: string) => ({ op: "read", va });
  const wr = (va: string) => ({ op: "write", va });
  const user = (_mm: string, i: number) => ({
    "0x8000": { pa: `0x${(0x100 + i * 4).toString(16)}000` },
    "0x9000": { pa: `0x${(0x101 + i * 4).toString(16)}000` },
    "0xa000": { pa: `0x${(0x102 + i * 4).toString(16)}000`, writable: false },
  });
  const mms = ["A", "B", "C", "D", "E"];
  const tables: Record<string, object> = {
    kernel: { "0xc0008000": { pa: "0x80008000" }, "0xc0009000": { pa: "0x80009000" } },
  };
  mms.forEach((mm, i) => (tables[mm] = user(mm, i)));
  // A time slice touches a small working set many times (so most accesses hit, as they do on a real
  // core), enters the kernel, and ends in a yield; every other slice maps and unmaps a scratch page.
  const slice = [
    { op: "repeat", times: 8, body: [rd("0x8000"), wr("0x9000"), rd("0xa000")] },
    rd("0xc0008000"),
    rd("0xc0009000"),
  ];
  const body = (_mm: string, n: number) => [
    ...slice,
    { op: "yield" },
    { op: "map", va: "0xb000", pa: `0x${(0x200 + n).toString(16)}000` },
    wr("0xb000"),
    ...slice,
    { op: "unmap", va: "0xb000", shootdown: "broadcast" },
    { op: "yield" },
  ];
  const tasks = mms.flatMap((mm, i) => {
    const threads = i < 2 ? 2 : 1;
    return Array.from({ length: threads }, (_, t) => ({
      id: threads > 1 ? `${mm}.${t}` : mm,
      mm,
      // Threads of one mm may not unmap the same page at once: give each its own repetition count and
      // keep the unmap in the first thread only.
      script: [{ op: "repeat", times: 4 * scale, body: t === 0 ? body(mm, i) : [...slice, { op: "yield" }] }],
    }));
  });
  return {
    id: scale === 1 ? "default" : `default-x${scale}`,
    description: "4 cores, 5 mms (7 tasks), context switches, kernel accesses, map/unmap with broadcast shootdown",
    expect: "clean",
    machine: { cores: 4, tlbEntries: 32 },
    tables,
    kernel: { asidAllocator: "static", switchSequence: "reserved-asid" },
    tasks,
  };
}

export default defaultScenario();
