/**
 * A core's TLB entries with their tags (VA, ASID, VMID, global, PA, ...), any further fields the model
 * adds shown as extra columns, and the event that filled each one as a link to that event.
 */
import type { Json, JsonObject } from "../protocol.ts";
import { hex, showValue } from "./format.ts";

const KNOWN = ["vpn", "asid", "vmid", "global", "pa", "writable", "table", "gen", "filledAt", "lastUsed"];
const HEAD = ["slot", "VA", "ASID", "VMID", "G", "PA", "W", "table", "gen", "filled at", "last used"];

const num = (v: Json | undefined): number => (typeof v === "number" ? v : -1);

function Row({ e, slot, kind, extra, go }: { e: JsonObject; slot: string; kind: string; extra: string[]; go: (p: number) => void }) {
  const filledAt = num(e["filledAt"]);
  return (
    <tr class={kind} data-filled-at={filledAt} data-va={hex(num(e["vpn"]) * 4096)}>
      <td>{slot}</td>
      <td>{hex(num(e["vpn"]) * 4096)}</td>
      <td>{showValue("asid", e["asid"])}</td>
      <td>{showValue("vmid", e["vmid"])}</td>
      <td>{e["global"] ? "G" : ""}</td>
      <td>{showValue("pa", e["pa"])}</td>
      <td>{e["writable"] ? "W" : ""}</td>
      <td>{showValue("table", e["table"])}</td>
      <td>{showValue("gen", e["gen"])}</td>
      <td>
        <button class="link provenance" title={`go to event #${filledAt}, the fill that made this entry`} onClick={() => go(filledAt + 1)}>
          #{filledAt}
        </button>
      </td>
      <td>{showValue("lastUsed", e["lastUsed"])}</td>
      {extra.map((k) => <td key={k}>{showValue(k, e[k])}</td>)}
    </tr>
  );
}

export function TlbTable({ core, entries, added, removed, go }: { core: number; entries: JsonObject[]; added: JsonObject[]; removed: JsonObject[]; go: (p: number) => void }) {
  const isNew = new Set(added.map((e) => num(e["filledAt"])));
  const extra = [...new Set([...entries, ...removed].flatMap((e) => Object.keys(e)).filter((k) => !KNOWN.includes(k)))];
  if (!entries.length && !removed.length) return <div class="dim" data-testid={`tlb-${core}`}>empty</div>;
  return (
    <table class="tlb" data-testid={`tlb-${core}`}>
      <thead>
        <tr>{[...HEAD, ...extra].map((h) => <th key={h}>{h}</th>)}</tr>
      </thead>
      <tbody>
        {entries.map((e, i) => <Row key={num(e["filledAt"])} e={e} slot={String(i)} kind={isNew.has(num(e["filledAt"])) ? "added" : ""} extra={extra} go={go} />)}
        {removed.map((e) => <Row key={`x${num(e["filledAt"])}`} e={e} slot="−" kind="removed" extra={extra} go={go} />)}
      </tbody>
    </table>
  );
}
