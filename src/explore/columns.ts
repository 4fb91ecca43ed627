/**
 * The interleaving as per-core columns, one event a row: what a kernel engineer draws on a whiteboard
 * to explain a race. Choice events are left out; the last `rows` events before the end are shown.
 */
import { describeEvent } from "../events/describe.js";
import type { SimEvent } from "../events/index.js";

export function columns(
  events: readonly SimEvent[],
  cores: number,
  rows = 60,
  width = cores <= 2 ? 48 : cores <= 4 ? 36 : 24,
): string {
  const shown = events.filter((e) => e.type !== "choice").slice(-rows);
  const cut = (s: string): string => (s.length > width ? s.slice(0, width - 1) + "…" : s.padEnd(width));
  const head = "   seq  " + Array.from({ length: cores }, (_, c) => cut(`core ${c}`)).join(" ");
  const lines = shown.map((e) => {
    const cells = Array.from({ length: cores }, (_, c) => (e.core === c ? cut(describeEvent(e)) : cut("")));
    const whole = e.core < 0 ? `  ${describeEvent(e)}` : cells.join(" ").trimEnd();
    return `${String(e.seq).padStart(6)}  ${whole}`;
  });
  return [head, ...lines].join("\n");
}
