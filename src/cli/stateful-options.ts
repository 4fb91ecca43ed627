/**
 * `smpsim explore`'s stateful-search options (README, "Stateful search", "Stateful DPOR"): --stateful
 * (or --strategy stateful), --store, --hash-bits and --symmetry, checked against the strategy.
 */
import type { StrategyName } from "../explore/strategy.js";
import type { StoreKind } from "../explore/visited.js";
import { intOption, type Parsed } from "./args.js";
import { UsageError } from "./errors.js";

const STORES: StoreKind[] = ["exact", "hash", "bitstate"];

export interface StatefulOptions {
  stateful: boolean;
  store: StoreKind;
  /** --symmetry as given (on, off or auto), or undefined. */
  symmetryAsked: string | undefined;
  log2Bits: number | undefined;
}

/** `asStrategy`: --strategy stateful was given (stateful DFS). */
export function statefulOptions(a: Parsed, asStrategy: boolean, strategy: StrategyName): StatefulOptions {
  const stateful = asStrategy || Boolean(a.values.stateful);
  if (stateful && strategy !== "dfs" && strategy !== "dpor") {
    throw new UsageError(
      `explore: --stateful works with --strategy dfs (stateful DFS) or dpor (stateful DPOR) (README, "Stateful search")`,
    );
  }
  const store = (a.values.store ?? "hash") as StoreKind;
  if (!STORES.includes(store)) throw new UsageError(`explore: --store must be one of ${STORES.join(", ")}, got "${store}"`);
  if ((a.values.store !== undefined || a.values["hash-bits"] !== undefined) && !stateful)
    throw new UsageError("explore: --store and --hash-bits go with --stateful");
  const symmetryAsked = a.values.symmetry as string | undefined;
  if (symmetryAsked !== undefined && symmetryAsked !== "on" && symmetryAsked !== "off" && symmetryAsked !== "auto")
    throw new UsageError(`explore: --symmetry must be on, off or auto, got "${symmetryAsked}"`);
  if (symmetryAsked !== undefined && !stateful) throw new UsageError("explore: --symmetry goes with --stateful");
  if (stateful && strategy === "dpor") statefulDporOptions(a, symmetryAsked);
  const log2Bits = intOption("explore", "hash-bits", a.values["hash-bits"], 10, 36);
  return { stateful, store, symmetryAsked, log2Bits };
}

/** What stateful DPOR does not combine with (README, "Stateful DPOR"). */
function statefulDporOptions(a: Parsed, symmetryAsked: string | undefined): void {
  const no = (what: string, why: string) => new UsageError(`explore: dpor --stateful ${what}: ${why}`);
  if (a.values.preemptions !== undefined)
    throw no(
      "has no preemption bound",
      "a prune carries the races of the state's explored continuations, which a bound would have cut; use --strategy stateful --preemptions P for a bounded stateful search",
    );
  if (a.values.store === "bitstate")
    throw no(
      "needs the hash or exact store",
      "a prune needs the summary kept with each stored state, which bitstate does not keep",
    );
  if (symmetryAsked === "on" || symmetryAsked === "auto")
    throw no(
      "has no symmetry reduction",
      "its backtrack points name threads, which a canonical state renames; use --strategy stateful",
    );
  if (a.values.order === "pct") throw no("does not interleave PCT runs", "use --order first or random");
}
