/**
 * A core's TLB entries with their tags (VA, ASID, VMID, global, PA, ...), any further fields the model
 * adds shown as extra columns, and the event that filled each one as a link to that event.
 */
import type { Json, JsonObject } from "../protocol.ts";
import { hex, showValue } from "./format.ts";

const KNOWN = ["vpn", "asid", "vmid", "global", "pa", "writable", "table", "gen", "filledAt", "lastUsed"];
const HEAD = ["slot", "VA", "ASID", "VMID", "G", "PA", "W", "table", "gen", "filled at", "last used"];

const num = (v: Json | undefined): number => (typeof v === "number" ? v : -1);

interface RowProps {
  e: JsonObject;
  slot: string;
  kind: string;
  stale: boolean;
  extra: string[];
  go: (p: number) => void;
}

function Row({ e, slot, kind, stale, extra, go }: RowProps) {
  const filledAt = num(e["filledAt"]);
  const why = stale
    ? `STALE: table ${String(e["table"])} no longer maps this VA to this page (the TLB still translates as the old tables did)`
    : undefined;
  return (
    <tr
      class={[kind, stale ? "stale" : ""].filter(Boolean).join(" ")}
      title={why}
      data-filled-at={filledAt}
      data-va={hex(num(e["vpn"]) * 4096)}
    >
      <td>
        {slot}
        {stale && <span class="stale-flag"> stale</span>}
      </td>
      <td>{hex(num(e["vpn"]) * 4096)}</td>
      <td>{showValue("asid", e["asid"])}</td>
      <td>{showValue("vmid", e["vmid"])}</td>
      <td>{e["global"] ? "G" : ""}</td>
      <td>{showValue("pa", e["pa"])}</td>
      <td>{e["writable"] ? "W" : ""}</td>
      <td>{showValue("table", e["table"])}</td>
      <td>{showValue("gen", e["gen"])}</td>
      <td>
        <button
          class="link provenance"
          title={`go to event #${filledAt}, the fill that made this entry`}
          onClick={() => go(filledAt + 1)}
        >
          #{filledAt}
        </button>
      </td>
      <td>{showValue("lastUsed", e["lastUsed"])}</td>
      {extra.map((k) => (
        <td key={k}>{showValue(k, e[k])}</td>
      ))}
    </tr>
  );
}

interface TableProps {
  core: number;
  entries: JsonObject[];
  added: JsonObject[];
  removed: JsonObject[];
  /** Slots whose entry is stale. */
  stale: number[];
  go: (p: number) => void;
}

export function TlbTable({ core, entries, added, removed, stale, go }: TableProps) {
  const isNew = new Set(added.map((e) => num(e["filledAt"])));
  const extra = [...new Set([...entries, ...removed].flatMap((e) => Object.keys(e)).filter((k) => !KNOWN.includes(k)))];
  if (!entries.length && !removed.length)
    return (
      <div class="dim" data-testid={`tlb-${core}`}>
        empty
      </div>
    );
  return (
    <table class="tlb" data-testid={`tlb-${core}`}>
      <thead>
        <tr>
          {[...HEAD, ...extra].map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => (
          <Row
            key={num(e["filledAt"])}
            e={e}
            slot={String(i)}
            kind={isNew.has(num(e["filledAt"])) ? "added" : ""}
            stale={stale.includes(i)}
            extra={extra}
            go={go}
          />
        ))}
        {removed.map((e) => (
          <Row key={`x${num(e["filledAt"])}`} e={e} slot="−" kind="removed" stale={false} extra={extra} go={go} />
        ))}
      </tbody>
    </table>
  );
}
