/**
 * The load the ASID roll-over scenarios share: ten single-threaded mms and one with two threads, on a
 * global run queue (tasks migrate between cores), each touching its own pages and the kernel's and
 * yielding often, with few ASIDs per generation so that the allocator rolls over many times.
 */
export function rolloverLoad(id: string, description: string, kernel: Record<string, unknown>, speculation: boolean) {
  const mms = Array.from({ length: 10 }, (_, i) => `M${i}`);
  const tables: Record<string, Record<string, { pa: string }>> = {
    kernel: { "0xc0008000": { pa: "0x80008000" } },
  };
  mms.forEach((mm, i) => {
    tables[mm] = { "0x8000": { pa: `0x${(0x100 + 2 * i).toString(16)}000` }, "0x9000": { pa: `0x${(0x101 + 2 * i).toString(16)}000` } };
  });
  const slice = [{ op: "read", va: "0x8000" }, { op: "write", va: "0x9000" }, { op: "read", va: "0x8000" }, { op: "read", va: "0xc0008000" }, { op: "yield" }];
  const tasks = mms.map((mm) => ({ id: mm, mm, script: [{ op: "repeat", times: 6, body: slice }] }));
  tasks.push({ id: "M0.t1", mm: "M0", script: [{ op: "repeat", times: 6, body: slice }] });
  return {
    id,
    description,
    expect: "clean",
    machine: { cores: 4, tlbEntries: 16, speculation: { enabled: speculation, rate: 0.05 } },
    tables,
    kernel,
    tasks,
  };
}
