/**
 * DPOR interleaved with PCT (`--order pct`): after each DPOR schedule, one PCT schedule. DPOR's
 * depth-first order spends a budget that will not exhaust the space in one corner of it (the deepest
 * choice points change first); the PCT schedules sample the whole space meanwhile, so an unfinished
 * search still reports coverage of it and can find a shallow bug early. The DPOR half is untouched
 * (PCT executions never reach its `done` or `observe`), so when it ends the space is exhausted as
 * with DPOR alone. Schedule indices: 2i for DPOR's i-th, 2i + 1 for PCT's.
 */
import type { Chooser } from "../engine/chooser.js";
import { execute } from "./execution.js";
import type { Strategy } from "./strategy.js";

export function interleavedWithPct(dpor: Strategy, pct: Strategy): Strategy {
  let pctTurn = false;
  let dporIndex = -1;
  let pctIndex = -1;
  let dporDone = false;
  const s: Strategy = {
    name: "dpor",
    exhaustive: true,
    lastIndex: -1,
    next(): Chooser | null {
      if (dporDone) return null;
      pctTurn = !pctTurn && s.lastIndex >= 0;
      if (pctTurn) {
        const c = pct.next();
        if (c) {
          pctIndex++;
          s.lastIndex = 2 * pctIndex + 1;
          return c;
        }
        pctTurn = false;
      }
      const c = dpor.next();
      if (!c) {
        dporDone = true;
        return null;
      }
      dporIndex++;
      s.lastIndex = 2 * dporIndex;
      return c;
    },
    // DPOR's executions resume from its snapshots (dpor.ts); PCT's run from the start.
    execute(t, chooser, hooks) {
      return !pctTurn && dpor.execute ? dpor.execute(t, chooser, hooks) : execute(t, chooser, hooks);
    },
    done(exec) {
      if (!pctTurn) dpor.done(exec);
    },
    observe(ev, state) {
      if (!pctTurn) dpor.observe?.(ev, state);
    },
  };
  return s;
}
