/** The debugger's `help`: one line per command, and a longer word on each with `help CMD`. */
import { PREDICATE_KEYS } from "../../timetravel/predicate.js";
import { WATCH_FORMS } from "../../timetravel/watch.js";

const COMMANDS: [string, string, string][] = [
  [
    "goto N",
    "go to event #N (the state after it); goto start, goto end",
    "Moves the cursor to the state right after event #N. Costs at most K event applications from the nearest snapshot.",
  ],
  [
    "step [K]",
    "go forward K events (1), over scheduler choices; s",
    "Applies the next K events and lists the ones passed. Scheduler choice events are stepped over (not counted) unless `choices on`.",
  ],
  [
    "back [K]",
    "go back K events (1), over scheduler choices; b",
    "Reverse step: a seek to the nearest snapshot and at most K applications, never a replay from the start. Choices are stepped over as by step.",
  ],
  [
    "choices [on|off]",
    "whether step and back stop on scheduler choice events (off)",
    "A choice event only records which core or message the scheduler picked next; goto, next and find still reach them.",
  ],
  [
    "next PRED",
    "forward to the next matching event; n",
    `PRED is an event type or family (tlb.fill, tlb, ipi), core N, or key=value with keys ${PREDICATE_KEYS.join(", ")}.`,
  ],
  ["prev PRED", "backward to the previous matching event; p", "As next, backwards."],
  [
    "state",
    "every core side by side, shared variables, locks, bus, tasks",
    "Per-core columns: mode, task, context (mm gen:asid), CONTEXTIDR, TTBR0/1, VTTBR/VMID, stage 2, IRQs, wait, TLB occupancy.",
  ],
  [
    "core N",
    "core N's registers, mode, context, hypervisor fields, counters",
    "Registers (TTBR0/TTBR1/CONTEXTIDR), hypervisor (VTTBR, VMID, stage 2), IRQ state, waits, acks, counters.",
  ],
  [
    "tlb N",
    "core N's TLB entries with their tags and the event that filled each",
    "VA, ASID as gen:asid (or global), VMID, PA, permission, the table walked, fill and last-use events; * marks the entries an access would use now, STALE those the tables no longer agree with.",
  ],
  [
    "why N VA",
    "the entry core N would use for VA, the fill behind it, the registers then",
    "Looks VA up with core N's current ASID and VMID, names the tlb.fill that made the entry, the walk (TTBR, table, steps) and the registers and context at that instant, and compares with a fresh walk now. `why N VAR` (a shared variable): the write core N's last read of it took and, under the armv8 memory model, the newer write it did not see.",
  ],
  [
    "diff A B",
    "what changed from event A to event B, per core (diff A: to the current event)",
    "Registers, context, TLB entries added and removed, counters per core; shared variables, locks, tasks, page tables, bus messages.",
  ],
  [
    "find PRED",
    "events matching a predicate, e.g. find type=tlb.fill core=1 va=0x8000 asid=1:3",
    "Lists up to 20 matches from the current event on, and counts the rest. va matches by page; asid takes N or gen:N.",
  ],
  [
    "watch [-b] EXPR",
    "run forward (-b: backward) to the event that changes EXPR",
    `EXPR: ${WATCH_FORMS}. Both directions skip the current event, so repeating the command goes on to the next change.`,
  ],
  [
    "where [ROWS]",
    "the current event and its neighbours as per-core columns; w",
    "Shows ROWS (8) events on each side, scheduler choices left out, the current one marked ▶.",
  ],
  ["help [CMD]", "this list, or more on one command", ""],
  [
    "quit",
    "leave (also q, exit, Ctrl-D)",
    "At the prompt an empty line repeats the last command (as in gdb), Ctrl-C interrupts a running command (a long next, prev, find or watch; the cursor stays) or abandons the line being typed, and the history is kept in ~/.smpsim_history (SMPSIM_HISTORY names another file; empty: none).",
  ],
];

export const HELP: string[] = [
  'commands (event numbers are the log\'s #seq; "at #N" is the state after event N):',
  ...COMMANDS.map(([u, d]) => `  ${u.padEnd(16)} ${d}`),
];

export function helpFor(cmd: string): string[] {
  const c = COMMANDS.find(([u]) => u.split(" ")[0] === cmd);
  if (!c) return [`no command "${cmd}"`, ...HELP];
  return [`${c[0]}: ${c[1]}`, ...(c[2] ? [`  ${c[2]}`] : [])];
}
