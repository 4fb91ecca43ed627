/**
 * The machines of the bench's scaling table (issue "The engine at scale"), as scenario JSON: the same
 * shape as /work/shared/tools/scale-gen.mjs, which the acceptance script uses. Each task sweeps its pages
 * (a read, a write, ...) `rep` times, touches a kernel page and yields; with `shoot`, it also maps a page,
 * writes it and unmaps it with a broadcast shootdown (TLBI IS), then yields again.
 */
export interface ScaleMachine {
  cores: number;
  tlb: number;
  tasks: number;
  /** Pages each task sweeps (more than the TLB holds: every access misses). */
  pages: number;
  rep: number;
  shoot: boolean;
  maxEvents: number;
  /** Ways per set of a set-associative TLB (machine.tlbWays); absent: fully associative. */
  ways?: number;
}

export const BASE_MACHINE: ScaleMachine = { cores: 2, tlb: 16, tasks: 4, pages: 4, rep: 8, shoot: false, maxEvents: 1e6 };

const hex = (n: number): string => "0x" + n.toString(16);

export function scaleScenarioJson(id: string, p: ScaleMachine): unknown {
  const tables: Record<string, Record<string, { pa: string; writable?: boolean }>> = {
    kernel: { "0xc0008000": { pa: "0x80008000" }, "0xc0009000": { pa: "0x80009000" } },
  };
  const tasks: unknown[] = [];
  for (let i = 0; i < p.tasks; i++) {
    const mm = `m${i}`;
    const t: Record<string, { pa: string; writable: boolean }> = {};
    const sweep: unknown[] = [];
    for (let j = 0; j < p.pages; j++) {
      const va = hex(0x100000 + j * 0x1000);
      t[va] = { pa: hex(0x10000000 + (i * p.pages + j) * 0x1000), writable: true };
      sweep.push({ op: j % 2 ? "write" : "read", va });
    }
    tables[mm] = t;
    let body: unknown[] = [{ op: "repeat", times: p.rep, body: sweep }, { op: "read", va: "0xc0008000" }, { op: "yield" }];
    if (p.shoot) {
      body = [
        ...body,
        { op: "map", va: "0xf00000", pa: hex(0x20000000 + i * 0x1000) },
        { op: "write", va: "0xf00000" },
        { op: "unmap", va: "0xf00000", shootdown: "broadcast" },
        { op: "yield" },
      ];
    }
    tasks.push({ id: `t${i}`, mm, script: [{ op: "repeat", times: 1e9, body }] });
  }
  return {
    id,
    expect: "clean",
    machine: { cores: p.cores, tlbEntries: p.tlb, ...(p.ways !== undefined ? { tlbWays: p.ways } : {}), maxEvents: p.maxEvents },
    tables,
    kernelTable: "kernel",
    kernel: { asidAllocator: "static", asidBits: 16, switchSequence: "reserved-asid" },
    tasks,
  };
}
