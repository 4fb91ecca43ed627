/**
 * One core at the current position: what it runs, every register (whatever registers the model has),
 * its hypervisor state when it has one, and its TLB. What the current event changed is highlighted:
 * a changed value shows what it was, a filled entry is marked new, a removed one is shown struck out.
 * Each entry's `filledAt` jumps to the event that filled it ("why is this entry here?").
 */
import type { Change, Json, JsonObject } from "../protocol.ts";
import type { At } from "./view.ts";
import { showValue, was } from "./format.ts";
import { TlbTable } from "./tlb-table.tsx";

const FIELDS = ["task", "ctx", "wait", "inIrq", "done", "ipiAcksOutstanding", "tlbiAcksOutstanding"];

function KeyValues({ record, changed, testid }: { record: JsonObject; changed: Change[]; testid: string }) {
  const byKey = new Map(changed.map((c) => [String(c.key), c]));
  return (
    <table class="kv" data-testid={testid}>
      <tbody>
        {Object.keys(record).map((k) => {
          const c = byKey.get(k);
          return (
            <tr key={k} class={c ? "changed" : ""} title={c ? was(k, c.from) : undefined} data-key={k}>
              <th>{k}</th>
              <td>{showValue(k, record[k])}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function CorePanel({ core, at, go }: { core: number; at: At; go: (p: number) => void }) {
  const c = ((at.state.state["cores"] as Json[])[core] ?? {}) as JsonObject;
  const d = at.diff.at === at.state.at ? at.diff.cores.find((x) => x.core === core) : undefined;
  const fields = Object.fromEntries(FIELDS.filter((f) => f in c).map((f) => [f, c[f]!])) as JsonObject;
  const hyp = c["hyp"];
  const changed = d !== undefined && d.regs.length + d.fields.length + d.tlbAdded.length + d.tlbRemoved.length + d.hyp.length > 0;
  return (
    <section class={`core-panel${changed ? " touched" : ""}`} data-testid={`core-${core}`}>
      <h3>
        core {core} <span class="dim">{String(c["task"] || "idle")}</span>
      </h3>
      {at.state.text && (
        <pre class="formatted" data-testid={`core-text-${core}`}>
          {(at.state.text.cores[core] ?? []).join("\n")}
        </pre>
      )}
      <details class="raw" open={!at.state.text}>
        <summary>every field, as the model names it</summary>
        <div class="core-cols">
          <div>
            <h4>registers</h4>
            <KeyValues record={(c["regs"] ?? {}) as JsonObject} changed={d?.regs ?? []} testid={`regs-${core}`} />
          </div>
          <div>
            <h4>kernel</h4>
            <KeyValues record={fields} changed={d?.fields ?? []} testid={`fields-${core}`} />
            {hyp && typeof hyp === "object" && !Array.isArray(hyp) && (
              <>
                <h4>hypervisor</h4>
                <KeyValues record={hyp} changed={d?.hyp ?? []} testid={`hyp-${core}`} />
              </>
            )}
          </div>
        </div>
      </details>
      <h4>
        TLB <span class="dim">({((c["tlb"] ?? []) as Json[]).length} entries)</span>
      </h4>
      <TlbTable
        core={core}
        entries={(c["tlb"] ?? []) as JsonObject[]}
        added={d?.tlbAdded ?? []}
        removed={d?.tlbRemoved ?? []}
        stale={at.state.staleTlb[core] ?? []}
        go={go}
      />
    </section>
  );
}
