/** herd7's result block for a litmus test, followed by smpsim's one-line verdict. */
import type { LitmusResult } from "./run-test.js";
import type { Quantifier } from "./ast.js";

/** herd7 heads each block with the kind the condition states: exists Allowed, ~exists Forbidden, forall Required. */
const KIND: Record<Quantifier, string> = { exists: "Allowed", "~exists": "Forbidden", forall: "Required" };

export function formatResult(r: LitmusResult, quantifier: Quantifier, condition: string): string[] {
  const out = [`Test ${r.name} ${KIND[quantifier]}`, `States ${r.states.length}`];
  for (const s of r.states) out.push(r.observables.map((o, i) => `${o}=${s.values[i]};`).join(" "));
  out.push(r.ok ? "Ok" : "No");
  out.push("Witnesses", `Positive: ${r.positive} Negative: ${r.negative}`);
  out.push(`Condition ${condition}`);
  out.push(`Observation ${r.name} ${r.observation} ${r.positive} ${r.negative}`);
  const why = r.verdict === "Allowed" ? "reachable" : "not reachable";
  out.push(`Verdict ${r.name} ${r.verdict} (ARMv8: the condition's outcome is ${why})`);
  return out;
}
