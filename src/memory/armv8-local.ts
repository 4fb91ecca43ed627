/**
 * The thread-local part of the ARMv8 model: the ordered-before edges a thread's own program gives,
 * whatever the other threads do. herd7 7.56 `aarch64hwreqs.cat` (with `aarch64fences.cat`,
 * `aarch64deps.cat`), restricted to explicit accesses (no page tables, tags or TLBI):
 *
 *   lws  = [M]; po-loc; [W]
 *   lrs  = [W]; (po-loc \ intervening-write(po-loc)); [R]
 *   dob  = addr | data | ctrl; [W] | (addr; po); [ISB]; po; [R] | CSE-ob; [R] | addr; po; [W] | (addr | data); lrs
 *   aob  = rmw | rmw; lrs; [A | Q]
 *   bob  = po; [dmb.full]; po | [R\NoRet]; po; [dmb.ld]; po | [W]; po; [dmb.st]; po; [W]
 *        | [range([A]; amo; [L])]; po | [L]; po; [A] | [A | Q]; po | po; [L]
 *   pob  = [Exp]; (pick-dep; [W] | (pick-ctrl-dep | pick-addr-dep; po); [CSE]; po; [M] | pick-addr-dep; [M]; po; [W])
 *   DSB-ob, CSE-ob = [R]; ctrl; [ISB]; po?, and [ISB]; po (hw-reqs)
 *
 * The same order is ARM ARM (DDI 0487) B2.3 "Definition of the Armv8 memory model": Dependency-,
 * Atomic- and Barrier-ordered-before, Locally-ordered-before. Fence events stay in the graph as nodes:
 * every edge into a fence also reaches everything po-after it, so paths through them add no order.
 * Dependencies through memory (a read whose value came from this thread's own write: dtrm's rfi) depend
 * on rf and are added per execution by `dependencyEdges` with the widened sources.
 */
import type { EventTable, ThreadTrace, TraceEvent } from "./execution.js";
import { Relation } from "./relation.js";

const isM = (e: TraceEvent) => e.kind !== "F";
const po = (a: TraceEvent, b: TraceEvent) => a.instr < b.instr;
const fenceIs = (e: TraceEvent, kinds: readonly string[]) => e.kind === "F" && kinds.includes(e.fence!);
const DMB_FULL = ["dmb.full", "dsb.full"];
const DMB_LD = ["dmb.ld", "dsb.ld"];
const DMB_ST = ["dmb.st", "dsb.st"];

/** Whether some event strictly po-between i and j (indices in one trace) satisfies p. */
function between(evs: readonly TraceEvent[], i: number, j: number, p: (e: TraceEvent) => boolean): boolean {
  for (let k = i + 1; k < j; k++) if (po(evs[i]!, evs[k]!) && po(evs[k]!, evs[j]!) && p(evs[k]!)) return true;
  return false;
}

/** lrs: a write and a later read of the same location with no write to it in between (local index pairs). */
export function localReadSuccessors(evs: readonly TraceEvent[]): [number, number][] {
  const out: [number, number][] = [];
  evs.forEach((w, i) => {
    if (w.kind !== "W") return;
    for (let j = i + 1; j < evs.length; j++) {
      const r = evs[j]!;
      if (r.kind === "R" && r.loc === w.loc && po(w, r) && !between(evs, i, j, (k) => k.kind === "W" && k.loc === w.loc))
        out.push([i, j]);
    }
  });
  return out;
}

/** Adds the thread's barrier-, atomic-, local-write- and hardware-ordered edges (all but dependencies). */
export function localOrderEdges(
  table: EventTable,
  t: number,
  trace: ThreadTrace,
  rel: Relation,
  lrs: readonly [number, number][],
): void {
  const evs = trace.events;
  const g = table.offsets[t]!;
  const amoAL = new Set(
    trace.rmw.filter((p) => p.amo && evs[p.read]!.acquire === "A" && evs[p.write]!.release).map((p) => p.write),
  );
  for (let i = 0; i < evs.length; i++) {
    const a = evs[i]!;
    for (let j = i + 1; j < evs.length; j++) {
      const b = evs[j]!;
      if (!po(a, b)) continue;
      const ordered =
        (isM(a) && b.kind === "W" && a.loc === b.loc) || // lws
        between(evs, i, j, (f) => fenceIs(f, DMB_FULL)) ||
        (a.kind === "R" && !a.noRet && between(evs, i, j, (f) => fenceIs(f, DMB_LD))) ||
        (a.kind === "W" && between(evs, i, j, (f) => fenceIs(f, ["dsb.st"]))) || // DSB-ob
        (a.kind === "W" && b.kind === "W" && between(evs, i, j, (f) => fenceIs(f, DMB_ST))) ||
        amoAL.has(i) ||
        (a.kind === "W" && a.release === true && b.kind === "R" && b.acquire === "A") ||
        (a.kind === "R" && a.acquire !== undefined) ||
        (b.kind === "W" && b.release === true) ||
        fenceIs(a, ["isb"]); // [ISB]; po
      if (ordered) rel.add(g + i, g + j);
    }
  }
  for (const p of trace.rmw) {
    rel.add(g + p.read, g + p.write); // aob: rmw
    for (const [w, r] of lrs) if (w === p.write && evs[r]!.acquire !== undefined) rel.add(g + p.read, g + r); // aob: rmw; lrs; [A | Q]
  }
}

/**
 * The dependency edges (dob and CSE-ob). `reach(s)` gives the reads whose values flow into read s's
 * value: s itself, plus, when s reads this thread's own write, the reads that write depended on.
 */
export function dependencyEdges(
  table: EventTable,
  t: number,
  trace: ThreadTrace,
  rel: Relation,
  lrs: readonly [number, number][],
  reach: (s: number) => readonly number[],
  pickReach: (s: number) => readonly number[],
): void {
  const evs = trace.events;
  const g = table.offsets[t]!;
  const from = (srcs: readonly number[], f: (r: number) => void) => {
    for (const s of srcs) for (const r of reach(s)) f(r);
  };
  evs.forEach((e, k) => {
    // addr: to the access itself, to every later write (addr; po; [W]), and to reads after an ISB that follows it.
    from(e.addrSrc, (r) => {
      rel.add(g + r, g + k);
      for (let j = k + 1; j < evs.length; j++) {
        const b = evs[j]!;
        if (!po(e, b)) continue;
        if (b.kind === "W" || (b.kind === "R" && between(evs, k, j, (f) => fenceIs(f, ["isb"])))) rel.add(g + r, g + j);
      }
      if (e.kind === "W") for (const [w, rr] of lrs) if (w === k) rel.add(g + r, g + rr); // addr; lrs
    });
    if (e.kind === "W") {
      from(e.dataSrc, (r) => {
        rel.add(g + r, g + k); // data
        for (const [w, rr] of lrs) if (w === k) rel.add(g + r, g + rr); // data; lrs
      });
      from(e.ctrlSrc, (r) => rel.add(g + r, g + k)); // ctrl; [W]
    }
    if (fenceIs(e, ["isb"])) {
      // CSE-ob: [R]; ctrl; [ISB]; po? — the read is ordered before the ISB and everything after it.
      from(e.ctrlSrc, (r) => {
        rel.add(g + r, g + k);
        for (let j = k + 1; j < evs.length; j++) if (po(e, evs[j]!)) rel.add(g + r, g + j);
      });
    }
  });
  // pob: pick dependencies (through an instruction's internal ordering too) order later writes, and
  // with an ISB later accesses.
  const fromPick = (srcs: readonly number[], f: (r: number) => void) => {
    for (const s of srcs) for (const r of pickReach(s)) f(r);
  };
  evs.forEach((e, k) => {
    if (e.kind === "W")
      for (const srcs of [e.pickAddrSrc, e.pickDataSrc, e.pickCtrlSrc]) fromPick(srcs, (r) => rel.add(g + r, g + k));
    if (e.kind !== "F") {
      fromPick(e.pickAddrSrc, (r) => {
        for (let j = k + 1; j < evs.length; j++) {
          const b = evs[j]!;
          if (po(e, b) && (b.kind === "W" || (b.kind === "R" && between(evs, k, j, (f) => fenceIs(f, ["isb"])))))
            rel.add(g + r, g + j);
        }
      });
    }
    if (fenceIs(e, ["isb"])) {
      fromPick(e.pickCtrlSrc, (r) => {
        for (let j = k + 1; j < evs.length; j++) if (po(e, evs[j]!) && evs[j]!.kind !== "F") rel.add(g + r, g + j);
      });
    }
  });
}
