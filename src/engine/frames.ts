/** A core's stack of step programs: its main program, called programs, IPI handlers (src/engine/engine.ts). */
import type { IpiMessage } from "../../bus/messages.js";
import type { Chooser } from "./chooser.js";
import { ackFor } from "./exec.js";
import type { Machine } from "./machine.js";
import { drain } from "./memory-ops.js";
import type { Op } from "./ops.js";

export interface Frame {
  // A program returns a number (a handler's ack, a called program's value) or nothing (a void generator).
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  program: Generator<Op, number | void, number>;
  op: Op;
  /** For an IPI handler: the message it answers. */
  msg: IpiMessage | null;
  /** Pushed by a `call` op: its return resumes the frame below at once (no step of its own). */
  called: boolean;
}

export const RETURN: Op = { k: "return" };

/**
 * Resumes the top frame's program with `value` and sets the operation it waits to run. A `call`
 * pushes the callee, which starts at once; a callee's return resumes its caller at once with the
 * value: the same operations, in the same steps, as `yield*` would give.
 */
export function advanceFrame(stack: Frame[], top: Frame, value: number, chooser: Chooser, c: number, dmbIsStep: boolean): void {
  let f = top;
  let v = value;
  for (;;) {
    chooser.resumed?.(c, v);
    const r = f.program.next(v);
    if (!r.done) {
      // A DMB orders nothing under sc: not a step, not an event (sc logs stay as they were).
      if (r.value.k === "dmb" && !dmbIsStep) {
        v = 0;
        continue;
      }
      if (r.value.k !== "call") {
        f.op = r.value;
        return;
      }
      f = { program: r.value.program, op: RETURN, msg: null, called: true };
      stack.push(f);
      v = 0;
      continue;
    }
    if (!f.called) {
      f.op = RETURN;
      return;
    }
    stack.pop();
    f = stack[stack.length - 1]!;
    v = typeof r.value === "number" ? r.value : 0;
  }
}

/** Core c's top frame has returned: an IPI handler acks its sender, the main program is done. */
export function frameReturned(m: Machine, c: number, top: Frame): void {
  const msg = top.msg;
  if (!msg) {
    m.record({ seq: m.state.seq, t: m.now, core: c, type: "core.done" });
    return;
  }
  // csd_unlock (kernel/smp.c): smp_store_release of the csd's flags, after the handler's stores.
  if (m.mem) drain(m, m.mem, c);
  const ack = ackFor(m, c, msg.from, msg.id, "ipi");
  m.mem?.send(c, ack.id);
  m.record({ seq: m.state.seq, t: m.now, core: c, type: "ipi.done", of: msg.id, ack });
}
