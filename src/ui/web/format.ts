/** How values look on the page: addresses in hex, everything else as the log has it. */
import type { Json } from "../protocol.ts";

export const hex = (n: number): string => "0x" + n.toString(16);

/** Register and field names whose numbers are addresses or bit fields (shown in hex). */
const HEX_KEYS = /(pa|va|addr)$|^(hcr|ttbr\d?|vttbr|cntv.*)$/i;

export function showValue(key: string, v: Json | undefined): string {
  if (v === undefined) return "—";
  if (typeof v === "number") return HEX_KEYS.test(key) ? hex(v) : String(v);
  if (typeof v === "string") return v === "" ? '""' : v;
  if (typeof v === "boolean" || v === null) return String(v);
  return JSON.stringify(v);
}

/** A change's old value, for the "was ..." hint on a highlighted cell. */
export const was = (key: string, from: Json | undefined): string => `was ${showValue(key, from)}`;

/** Colour family of an event type, by its namespace (styles in style.css). */
export function family(type: string): string {
  if (type === "violation") return "violation";
  const ns = type.split(".")[0] ?? "";
  return [
    "tlb",
    "tlbi",
    "mmu",
    "bus",
    "ipi",
    "sched",
    "task",
    "asid",
    "hyp",
    "vcpu",
    "vmid",
    "reg",
    "barrier",
    "var",
    "lock",
    "pte",
    "choice",
  ].includes(ns)
    ? ns
    : "other";
}
