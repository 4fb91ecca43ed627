/**
 * Broken allocator modules: each a variation of the fixture's naive allocator with one mistake. Shared by
 * the example tests and the property suite. Not a test file itself.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";

const GOOD_SWITCH = `
    let id = yield { k: "read", name: \`\${mm}.context.id\` };
    if (id === 0) {
      yield { k: "lock", name: "asid_lock" };
      id = yield { k: "read", name: "next_asid" };
      yield { k: "write", name: "next_asid", value: (id % ((1 << k.asidBits) - 1)) + 1 };
      yield { k: "write", name: \`\${mm}.context.id\`, value: id };
      yield { k: "unlock", name: "asid_lock" };
    }
    yield { k: "note", ev: { type: "asid.assign", mm, generation: 0, asid: id } };
    yield* k.switchTo(cpu, mm, id);`;
const GOOD_VARS = "return { next_asid: 1, ...Object.fromEntries(mms.map((mm) => [`${mm}.context.id`, 0])) };";

function moduleText(vars: string, sw: string, extra = ""): string {
  return `${extra}\nexport default { name: "broken", initialVars(mms, cores, asidBits) { ${vars} }, *switchMm(k, cpu, mm) { ${sw} }, ipiHandlers: {} };\n`;
}

/** name → module source. Every one must give exit 2 naming the module file (none is a crash or exit 0). */
export const brokenModules: Readonly<Record<string, string>> = {
  "initialVars throws": moduleText('throw new Error("boom");', GOOD_SWITCH),
  "initialVars returns null": moduleText("return null;", GOOD_SWITCH),
  "initialVars returns strings": moduleText('return { next_asid: "1" };', GOOD_SWITCH),
  "switchMm throws": moduleText(GOOD_VARS, 'throw new Error("boom in switch");' + GOOD_SWITCH),
  "yield null": moduleText(GOOD_VARS, "yield null;" + GOOD_SWITCH),
  "yield 42": moduleText(GOOD_VARS, "yield 42;" + GOOD_SWITCH),
  "an unknown op": moduleText(GOOD_VARS, 'yield { k: "bogus" };' + GOOD_SWITCH),
  "a call of a number": moduleText(GOOD_VARS, 'yield { k: "call", program: 5 };' + GOOD_SWITCH),
  "an unlock of a lock not held": moduleText(GOOD_VARS, 'yield { k: "unlock", name: "never_locked" };' + GOOD_SWITCH),
  "an IPI to core 99": moduleText(GOOD_VARS, 'yield { k: "ipi", to: [99], ipi: "x", arg: 0, wait: false };' + GOOD_SWITCH),
  "an IPI nobody handles": moduleText(
    GOOD_VARS,
    'yield { k: "ipi", to: [cpu === 0 ? 1 : 0], ipi: "nobody", arg: 0, wait: false };' + GOOD_SWITCH,
  ),
  "a note of an unknown event": moduleText(GOOD_VARS, 'yield { k: "note", ev: { type: "made.up" } };' + GOOD_SWITCH),
  "a malformed note": moduleText(
    GOOD_VARS,
    'yield { k: "note", ev: { type: "asid.assign", mm, generation: -1, asid: "x" } };' + GOOD_SWITCH,
  ),
  "a read of toString": moduleText(GOOD_VARS, 'yield { k: "read", name: "toString" };' + GOOD_SWITCH),
  "a lock named constructor": moduleText(GOOD_VARS, 'yield { k: "lock", name: "constructor" };' + GOOD_SWITCH),
  "a write of a string": moduleText(GOOD_VARS, 'yield { k: "write", name: "v", value: "1" };' + GOOD_SWITCH),
  "a switchMm that is not a generator": `export default { name: "broken", initialVars() { return {}; }, switchMm() { return 5; }, ipiHandlers: {} };\n`,
  "a top-level throw": `throw new Error("at load");\nexport default {};\n`,
};

/** A two-core scenario beside `module` that uses it. */
export function scenarioUsing(dir: string, name: string, module: string): string {
  const file = join(dir, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      id: name,
      machine: { cores: 2 },
      tables: { A: { "0x8000": { pa: "0x10000" } }, B: { "0x8000": { pa: "0x11000" } } },
      kernel: { asidAllocator: module },
      tasks: [
        { id: "A", mm: "A", script: [{ op: "read", va: "0x8000" }, { op: "yield" }, { op: "read", va: "0x8000" }] },
        { id: "B", mm: "B", script: [{ op: "read", va: "0x8000" }] },
      ],
    }),
  );
  return file;
}
