/** The "go to event #" field's judgement, apart from the page so that a test can ask it. */
/** Why a typed event number cannot be gone to, or null when it can. */
export function goToError(text: string, events: number): string | null {
  const t = text
    .trim()
    .replace(/^#/, "")
    .replace(/[,_\s]/g, "");
  if (!/^\d+$/.test(t)) return `"${text.trim()}" is not an event number`;
  const n = Number(t);
  return n < events ? null : `no event #${n} (the log has #0 to #${events - 1})`;
}
