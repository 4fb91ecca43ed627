/**
 * Symmetry reduction (src/explore/canonical.ts, src/scenario/symmetry.ts): the scenario's declared
 * groups are checked as it loads; a state and its image under a permutation of a group get the same
 * canonical hash and key; and stateful search with the reduction reaches the same verdict and the
 * same final states (up to the permutation) as without it, storing fewer states.
 */
import fc from "fast-check";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readScenario } from "../../scenarios/index.js";
import { asidSmallSym } from "../../scenarios/asid-small.js";
import {
  decodeKey,
  FifoChooser,
  RandomChooser,
  ScheduleChooser,
  type ChoiceKind,
  type Chooser,
  type StepOption,
} from "../../src/engine/chooser.js";
import type { Engine } from "../../src/engine/engine.js";
import type { System } from "../../src/engine/system.js";
import { canonicalHash, canonicalKey, IDENTITY } from "../../src/explore/canonical.js";
import { execute } from "../../src/explore/execution.js";
import type { ExploreResult } from "../../src/explore/explorer.js";
import { ProgramTrace, strHash } from "../../src/explore/program-trace.js";
import { stateHash } from "../../src/explore/state-hash.js";
import { stateKey } from "../../src/explore/state-key.js";
import { renamingsOf, type Renaming } from "../../src/scenario/symmetry.js";
import type { BusMessage } from "../../bus/messages.js";
import { MessagesInFlight } from "../../src/state/in-flight.js";
import type { MachineState } from "../../src/state/machine-state.js";
import { builtinTarget, ensureBuilt, run, smpsim, targetOf } from "./explore-helpers.js";

const raw = (): Record<string, unknown> => structuredClone(asidSmallSym);
const load = (r: Record<string, unknown>) => readScenario(r, "sym.json");

describe("a symmetry declaration", () => {
  it("loads when the members are interchangeable", () => {
    expect(load(raw()).symmetry).toEqual([{ tasks: ["M0", "M2"] }]);
  });

  const bad: [string, (r: Record<string, unknown>) => void, RegExp][] = [
    ["an unknown task", (r) => (r.symmetry = [{ tasks: ["M0", "M9"] }]), /symmetry\[0\]\.tasks: no task "M9"/],
    ["a group of one", (r) => (r.symmetry = [{ tasks: ["M0"] }]), /at least two tasks/],
    ["members on different cores", (r) => (r.symmetry = [{ tasks: ["M0", "M1"] }]), /pinned to the same one core/],
    [
      "scripts that differ",
      (r) => ((r.tasks as { script: unknown[] }[])[2]!.script = [{ op: "read", va: "0x8000" }]),
      /task "M2"'s script is not task "M0"'s renamed|task "M0"'s script is not task "M2"'s renamed/,
    ],
    [
      "a member's page shared with another task",
      (r) => ((r.tables as Record<string, unknown>).M2 = { "0x8000": { pa: "0x102000" } }),
      /symmetry: table "M1" is not table "M1" renamed/,
    ],
    [
      "tables with different VAs",
      (r) => ((r.tables as Record<string, unknown>).M2 = { "0x9000": { pa: "0x104000" } }),
      /do not line up/,
    ],
  ];
  it.each(bad)("is refused, naming the field: %s", (_, change, why) => {
    const r = raw();
    change(r);
    expect(() => load(r)).toThrow(why);
  });
});

/** The state with the renaming applied, built independently of the hash's walk: a deep copy renamed. */
function image(s: MachineState, r: Renaming): MachineState {
  const out = r.value(JSON.parse(JSON.stringify(s))) as MachineState;
  // JSON gives the messages in flight as their record (in-flight.ts toJSON): back into a store.
  out.inflight = MessagesInFlight.of(out.inflight as unknown as Record<number, BusMessage>);
  const stale: Record<string, number[]> = {};
  for (const k of Object.keys(out.stale)) stale[k] = out.stale[k]!.map((pa) => r.pa(pa));
  out.stale = stale;
  return out;
}

describe("the canonical form", () => {
  it("is the same for a state and its image under the group's permutation (hash and key)", async () => {
    const t = await builtinTarget("asid-small-sym");
    const [swap] = renamingsOf(t.scenario, t.scenario.symmetry!);
    const cores = t.scenario.machine.cores;
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer(), fc.integer(), (seed, x, y) => {
        // The state's traces, and the renamed execution's beside them; the image's are the two swapped.
        const trace = new ProgramTrace(cores, [swap!]);
        const swapped = new ProgramTrace(cores, [swap!]);
        for (let c = 0; c < cores; c++) {
          trace.a[c] = swapped.sa[c] = x + c;
          trace.b[c] = swapped.sb[c] = y;
          trace.sa[c] = swapped.a[c] = y ^ c;
          trace.sb[c] = swapped.b[c] = x;
        }
        let choice = 0;
        execute(t, new RandomChooser(seed, 0.2), {
          onEvent: (ev, state) => {
            if (ev.type !== "choice" || ev.kind !== "step" || choice++ % 3 !== 0) return;
            const other = image(state, swap!);
            const h1 = new Uint32Array(2);
            const h2 = new Uint32Array(2);
            stateHash(state, trace, 1, h1, 0);
            stateHash(other, swapped, 1, h2);
            expect([...h2]).toEqual([...h1]);
            canonicalHash(state, trace, 1, h1);
            canonicalHash(other, swapped, 1, h2);
            expect([...h2]).toEqual([...h1]);
            expect(stateKey(other, swapped, 1)).toBe(stateKey(state, trace, 1, 0));
            expect(canonicalKey(other, swapped, 1)).toBe(canonicalKey(state, trace, 1));
            // And the image is another state unless the members are alike in it.
            if (stateKey(other, swapped, 1) !== stateKey(state, trace, 1)) checked++;
          },
        });
      }),
      { numRuns: 10, seed: 19 },
    );
    expect(checked).toBeGreaterThan(10);
  }, 30_000);
});

/**
 * A chooser that keeps the program traces as stateful search does (stateful.ts: the programs' view,
 * IPIs noted, a core's traces reset at its loop head from the quiescent texts) and records, at each
 * step choice, the state's hash under renaming `k` (-1: the identity).
 */
class Tracing implements Chooser {
  readonly hashes: string[] = [];
  readonly trace: ProgramTrace;
  private state: MachineState | null = null;
  private engine: Engine | null = null;
  private system: System | null = null;
  constructor(
    private readonly inner: Chooser,
    syms: readonly Renaming[],
    private readonly k: number,
    cores: number,
  ) {
    this.trace = new ProgramTrace(cores, syms);
  }
  readonly programView = (state: MachineState): MachineState => ((this.state = state), this.trace.view(state));
  readonly attach = (engine: Engine, system: System): void => void ((this.engine = engine), (this.system = system));
  pick(kind: ChoiceKind, of: number, options: readonly StepOption[]): number {
    this.trace.current = -1;
    if (kind === "step") {
      for (let c = 0; c < this.trace.a.length; c++) {
        if (!this.trace.isDirty(c) || this.engine!.mainAt(c)?.k !== "pick-task") continue;
        this.trace.reset(c, this.system!.quiescent!(c, IDENTITY)!);
        this.trace.syms.forEach((r, k) => this.trace.reset(c, this.system!.quiescent!(c, r)!, k));
      }
      const out = new Uint32Array(2);
      stateHash(this.state!, this.trace, 0, out, this.k);
      this.hashes.push(`${out[0]}.${out[1]}`);
    }
    return this.inner.pick(kind, of, options);
  }
  stepped(key: number): void {
    const item = decodeKey(key);
    if (item.k !== "msg") return void (this.trace.current = item.c);
    const m = this.state!.inflight.get(item.id)!;
    this.trace.current = m.to;
    if (m.kind === "ipi") this.trace.note(strHash(m.ipi), Math.imul(m.arg | 0, 31) ^ m.from);
  }
  resumed(core: number, value: number): void {
    this.trace.resumed(core, value);
  }
}

describe("the program traces of the renamed execution", () => {
  it("are those of the same schedule run on the scenario with the members' names swapped", async () => {
    // The image of asid-small-sym under the swap, as a scenario of its own: M2 listed where M0 was and
    // M0 where M2 was (the tables stay: the swap maps M0's page to M2's). The same picks run it as the
    // swap's image: the scheduler's k-th ready task is the image of the original's.
    const r = raw();
    const tasks = r.tasks as { id: string; mm: string }[];
    [tasks[0]!.id, tasks[0]!.mm, tasks[2]!.id, tasks[2]!.mm] = ["M2", "M2", "M0", "M0"];
    const mirror = await targetOf(load(r));
    const t = await builtinTarget("asid-small-sym");
    const syms = renamingsOf(t.scenario, t.scenario.symmetry!);
    const mirrorSyms = renamingsOf(mirror.scenario, mirror.scenario.symmetry!);
    let compared = 0;
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const original = new Tracing(new RandomChooser(seed, 0.3), syms, 0, 2);
      const exec = execute(t, original);
      const image = new Tracing(new ScheduleChooser(exec.picks, new FifoChooser(), false), mirrorSyms, -1, 2);
      execute(mirror, image);
      expect(image.hashes, `seed ${seed}`).toEqual(original.hashes);
      compared += original.hashes.length;
    }
    expect(compared).toBeGreaterThan(50);
  }, 20_000);
});

const verdict = (r: ExploreResult): string => r.found?.violation.invariant ?? "clean";
const finals = (r: ExploreResult): string[] => [...(r.fingerprints?.finals ?? [])].sort();

describe("stateful search with symmetry reduction", () => {
  // asid-small-sym cut down (each task a single read), so that the search without the reduction
  // takes a second or two: about 2,400 states, 8 final states up to the swap.
  const smaller = async () => {
    const r = raw();
    for (const t of r.tasks as { script: unknown[] }[]) t.script = [{ op: "read", va: "0x8000" }];
    return targetOf(load(r));
  };
  it.each([
    ["hash", Infinity],
    ["exact", 1],
  ] as const)(
    "asid-small-sym cut down, %s store, bound %s: the same verdict and canonical final states, fewer states stored",
    async (store, preemptions) => {
      const t = await smaller();
      const search = (symmetry: boolean) =>
        run(t, "dfs", { preemptions, budget: 1_000_000, keepFingerprints: true, stateful: { store, finals: true, symmetry } });
      const without = search(false);
      const withSym = search(true);
      const what = `states stored ${withSym.stateful!.statesStored} with symmetry, ${without.stateful!.statesStored} without`;
      expect(verdict(withSym), what).toBe(verdict(without));
      expect(withSym.exhausted, what).toBe(true);
      expect(without.exhausted, what).toBe(true);
      expect(finals(withSym), what).toEqual(finals(without));
      expect(finals(withSym).length).toBeGreaterThan(1);
      expect(withSym.stateful!.symmetry).toEqual({ groups: 1, permutations: 2 });
      expect(without.stateful!.symmetry).toBeUndefined();
      // Pairs of states that differ by the swap are stored once: about half unbounded (1,215 against
      // 2,407), 1,499 against 2,471 within one preemption (a state stored with more preemptions behind
      // it does not cover its image reached with fewer).
      expect(withSym.stateful!.statesStored, what).toBeLessThan(0.7 * without.stateful!.statesStored);
    },
    60_000,
  );
});

describe("explore --symmetry", () => {
  ensureBuilt();
  it("reports the reduction, and refuses a declaration that does not hold with exit 2", () => {
    const out = mkdtempSync(join(tmpdir(), "smpsim-sym-"));
    const ok = smpsim(
      ".",
      "explore",
      "asid-small-sym",
      "--strategy",
      "stateful",
      "--store",
      "exact",
      "--budget",
      "50",
      "--out",
      out,
    );
    rmSync(out, { recursive: true, force: true });
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/symmetry reduction: 1 group, each state canonicalised over 2 permutations/);
    const bad = smpsim(".", "explore", "asid-small-sym", "--strategy", "stateful", "--set", 'symmetry=[{"tasks":["M0","M1"]}]');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/symmetry\[0\]\.tasks: task "M1" must be pinned to the same one core/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
    // A member named like a kernel variable: the renaming of names built from a member's would reach it.
    const clash = smpsim(
      ".",
      "explore",
      "asid-small-sym",
      "--strategy",
      "stateful",
      "--set",
      "tasks.0.id=active_asids",
      "--set",
      "tasks.0.mm=active_asids",
      "--set",
      'tables={"kernel":{"0xc0008000":{"pa":"0x80008000"}},"active_asids":{"0x8000":{"pa":"0x100000"}},"M1":{"0x8000":{"pa":"0x102000"}},"M2":{"0x8000":{"pa":"0x104000"}}}',
      "--set",
      'symmetry=[{"tasks":["active_asids","M2"]}]',
    );
    expect(clash.code, clash.stderr).toBe(2);
    expect(clash.stderr).toMatch(/kernel's variable "active_asids\[0\]" would be renamed "M2\[0\]"/);
    // Found instead of declared: the groups that pass a declaration's checks.
    const auto = smpsim(
      ".",
      "explore",
      "asid-small-arm64",
      "--strategy",
      "stateful",
      "--symmetry",
      "auto",
      "--budget",
      "5",
      "--out",
      out,
      "--force",
    );
    rmSync(out, { recursive: true, force: true });
    expect(auto.code, auto.stderr).toBe(0);
    expect(auto.stderr).toMatch(/--symmetry auto: found \[M0, M2\], \[M1, M3\]/);
    expect(auto.stdout).toMatch(/symmetry reduction: 2 groups, each state canonicalised over 4 permutations/);
    const none = smpsim(".", "explore", "asid-small-arm64", "--strategy", "stateful", "--symmetry", "on");
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/declares no symmetry groups/);
  }, 30_000);
});
