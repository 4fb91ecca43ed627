/**
 * The ARMv8-A memory model as an axiomatic check of one candidate execution: herd7 7.56
 * `aarch64.cat` (Deacon, Alglave, Nikoleris, Khyzha; ARM ARM DDI 0487 B2.3), which is the
 * other-multi-copy-atomic model of Pulte, Flur, Deacon, French, Sarkar and Sewell, "Simplifying ARM
 * concurrency: multicopy-atomic axiomatic and operational models for ARMv8", POPL 2018. For explicit
 * accesses it reads:
 *
 *   ob = (obs | lob | [R]; po-loc; [R]; fre | DSB-ob | CSE-ob | [ISB]; po)+   with obs = rfe | fre | coe
 *   irreflexive ob                                              (external)
 *   irreflexive [R]; (po-loc | rmw); [W]; rfi; [R]              (coRW1)
 *   irreflexive [W]; po-loc; [W]; (ca & int)                    (coWW)
 *   irreflexive [W]; po-loc; [R]; (ca & int)                    (coWR)
 *   empty (rmw & (fr; co)) \ (rmw & (fri; [W]; coi))            (atomic)
 *
 * Being axiomatic over all rf and co, it produces load buffering and every other behaviour the
 * architecture allows, with no promises or speculation to model.
 */
import type { EventTable, ThreadTrace } from "./execution.js";
import { dependencyEdges, localOrderEdges, localReadSuccessors } from "./armv8-local.js";
import { Relation } from "./relation.js";

/** What does not depend on rf and co: computed once per combination of thread traces. */
export interface Prepared {
  table: EventTable;
  traces: readonly ThreadTrace[];
  lrs: [number, number][][];
  local: Relation;
}

export function prepare(table: EventTable, traces: readonly ThreadTrace[]): Prepared {
  const local = new Relation(table.events.length);
  const lrs = traces.map((tr) => localReadSuccessors(tr.events));
  traces.forEach((tr, t) => {
    localOrderEdges(table, t, tr, local, lrs[t]!);
    dependencyEdges(
      table,
      t,
      tr,
      local,
      lrs[t]!,
      (s) => [s],
      (s) => [s],
    );
  });
  return { table, traces, lrs, local };
}

/**
 * Whether the execution given by `rf` (per read event: the write it reads from; -1 for non-reads)
 * and `coRank` (per write: its position in its location's coherence order, initial write 0) is
 * allowed by ARMv8.
 */
export function consistent(p: Prepared, rf: Int32Array, coRank: Int32Array): boolean {
  const { table } = p;
  const { events, thread } = table;
  const n = events.length;
  const instr = (e: number) => events[e]!.instr;
  // Internal visibility (coRW1, coWW, coWR).
  for (let r = 0; r < n; r++) {
    const w = rf[r]!;
    if (w < 0 || thread[w] !== thread[r]) continue;
    if (instr(r) <= instr(w)) return false; // reads a po-later write of its own, or its own RMW's write
  }
  for (let a = 0; a < n; a++) {
    const ea = events[a]!;
    if (thread[a]! < 0 || ea.kind === "F") continue;
    for (let b = a + 1; b < n; b++) {
      const eb = events[b]!;
      if (thread[b] !== thread[a] || eb.loc !== ea.loc || ea.kind !== "W" || ea.instr >= eb.instr) continue;
      if (eb.kind === "W" && coRank[b]! < coRank[a]!) return false; // coWW
      if (eb.kind === "R" && coRank[rf[b]!]! < coRank[a]!) return false; // coWR
    }
  }
  // Atomicity of read-modify-writes: no other write comes between the read's write and the RMW's write.
  for (let t = 0; t < p.traces.length; t++) {
    const g = table.offsets[t]!;
    for (const { read, write } of p.traces[t]!.rmw) {
      const lo = coRank[rf[g + read]!]!;
      const hi = coRank[g + write]!;
      if (hi > lo + 1) {
        // fri; [W]; coi: an intervening write of this very thread exempts the pair.
        let own = false;
        for (let w = 0; w < n; w++)
          if (
            thread[w] === t &&
            events[w]!.kind === "W" &&
            events[w]!.loc === events[g + write]!.loc &&
            coRank[w]! > lo &&
            coRank[w]! < hi
          )
            own = true;
        if (!own) return false;
      }
    }
  }
  // External visibility: ob acyclic.
  const ob = p.local.copy();
  let rfiCarriesDeps = false;
  for (let r = 0; r < n; r++) {
    const w = rf[r]!;
    if (w < 0) continue;
    const er = events[r]!;
    if (thread[w] !== thread[r])
      ob.add(w, r); // rfe
    else if (events[w]!.pickDataSrc.length + events[w]!.pickAddrSrc.length > 0) rfiCarriesDeps = true;
    for (let w2 = 0; w2 < n; w2++) {
      const e2 = events[w2]!;
      if (e2.kind !== "W" || e2.loc !== er.loc || coRank[w2]! <= coRank[w]! || thread[w2] === thread[r]) continue;
      ob.add(r, w2); // fre
      // [R]; po-loc; [R]; fre: an earlier read of the same location is ordered before that write too.
      for (let r1 = 0; r1 < n; r1++) {
        const e1 = events[r1]!;
        if (e1.kind === "R" && thread[r1] === thread[r] && e1.loc === er.loc && e1.instr < er.instr) ob.add(r1, w2);
      }
    }
  }
  for (let a = 0; a < n; a++) {
    const ea = events[a]!;
    if (ea.kind !== "W") continue;
    for (let b = 0; b < n; b++) {
      const eb = events[b]!;
      if (eb.kind === "W" && eb.loc === ea.loc && thread[a] !== thread[b] && coRank[a]! < coRank[b]!) ob.add(a, b); // coe
    }
  }
  if (rfiCarriesDeps) addDependenciesThroughMemory(p, rf, ob);
  return !ob.hasCycle();
}

/** dtrm's rfi: a read of this thread's own write depends on what that write's value and address did. */
function addDependenciesThroughMemory(p: Prepared, rf: Int32Array, ob: Relation): void {
  const { table } = p;
  p.traces.forEach((tr, t) => {
    const g = table.offsets[t]!;
    const reacher = (pick: boolean) => {
      const memo = new Map<number, readonly number[]>();
      const reach = (s: number): readonly number[] => {
        const hit = memo.get(s);
        if (hit) return hit;
        const out = new Set<number>([s]);
        const w = rf[g + s]!;
        if (w >= 0 && table.thread[w] === t) {
          const we = table.events[w]!;
          const srcs = pick ? [...we.pickDataSrc, ...we.pickAddrSrc] : [...we.dataSrc, ...we.addrSrc];
          for (const src of srcs) for (const r of reach(src)) out.add(r);
        }
        const list = [...out];
        memo.set(s, list);
        return list;
      };
      return reach;
    };
    dependencyEdges(table, t, tr, ob, p.lrs[t]!, reacher(false), reacher(true));
  });
}
