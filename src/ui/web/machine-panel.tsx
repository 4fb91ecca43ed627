/**
 * Machine-wide state at the position: tasks, shared variables, locks, messages in flight, old
 * translations awaiting maintenance, and anything the model adds later (vCPUs, VMID allocator state),
 * shown generically. Entries the current event changed are highlighted.
 */
import type { Change, Json, JsonObject } from "../protocol.ts";
import type { At } from "./view.ts";
import { showValue, was } from "./format.ts";

/** Shown elsewhere, or constant for the whole log. */
const HIDDEN = new Set(["cores", "seq", "t", "costs", "kernelTable", "pageOffset", "nextMsgId", "violation"]);

function Section({ name, value, changed }: { name: string; value: Json; changed: Change[] }) {
  const byKey = new Map(changed.map((c) => [typeof c.key === "string" ? c.key : JSON.stringify(c.key), c]));
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return (
      <div class="machine-section">
        <h4>{name}</h4>
        <span class={byKey.size ? "changed" : ""}>{showValue(name, value)}</span>
      </div>
    );
  }
  const keys = Object.keys(value);
  return (
    <div class="machine-section" data-testid={`machine-${name}`}>
      <h4>
        {name} <span class="dim">({keys.length})</span>
      </h4>
      {keys.length === 0 && <span class="dim">none</span>}
      <table class="kv">
        <tbody>
          {keys.map((k) => {
            const c = byKey.get(k);
            return (
              <tr key={k} class={c ? "changed" : ""} title={c ? was(k, c.from) : undefined}>
                <th>{k}</th>
                <td>{showValue(k, value[k])}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function MachinePanel({ at }: { at: At }) {
  const s = at.state.state;
  const d = at.diff.at === at.state.at ? at.diff : null;
  const changedIn = (name: string): Change[] => {
    if (!d) return [];
    if (name === "vars") return d.vars;
    if (name === "locks") return d.locks;
    if (name === "tasks") return d.tasks;
    if (name === "stale") return d.stale;
    if (name === "inflight") return d.sent.map((m): Change => ({ key: String(m["id"]), to: m }));
    return d.other
      .filter((c) => c.key === name)
      .flatMap((c) => {
        // A record the model added (e.g. vcpus): highlight the entries that changed inside it.
        const from = (c.from ?? {}) as JsonObject;
        const to = (c.to ?? {}) as JsonObject;
        return typeof to === "object"
          ? Object.keys({ ...from, ...to })
              .filter((k) => JSON.stringify(from[k]) !== JSON.stringify(to[k]))
              .map((k): Change => ({ key: k, from: from[k] ?? null, to: to[k] ?? null }))
          : [c];
      });
  };
  return (
    <section class="machine-panel" data-testid="machine">
      <h3>machine</h3>
      {at.state.text && (
        <pre class="formatted" data-testid="machine-text">
          {at.state.text.machine.join("\n")}
        </pre>
      )}
      <details class="raw" open={!at.state.text}>
        <summary>every field, as the model names it</summary>
        <div class="machine-grid">
          {Object.keys(s)
            .filter((k) => !HIDDEN.has(k))
            .map((k) => (
              <Section key={k} name={k} value={s[k]!} changed={changedIn(k)} />
            ))}
        </div>
      </details>
    </section>
  );
}
