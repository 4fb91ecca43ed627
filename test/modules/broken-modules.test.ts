/**
 * A module that throws, yields something that is not an operation, returns the wrong type, or does not
 * export the interface is the module's error: exit 2 with one line naming the module file and the
 * operation, never a crash of the tool. One case per module kind, and the CLI's exit code.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { builtinScenarios, readScenario } from "../../scenarios/index.js";
import { AllocatorError } from "../../src/kernel/asid/errors.js";
import { runScenario } from "../../src/run/run-scenario.js";
import { cli } from "../kernel/kernel-helpers.js";

const dir = mkdtempSync(join(tmpdir(), "smpsim-broken-modules-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FIXTURES = resolve(import.meta.dirname, "../fixtures");

function moduleFile(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

function scenarioWith(id: string, edit: (raw: Record<string, any>) => void) {
  const raw = structuredClone(builtinScenarios.find((s) => s.id === id)!.raw) as Record<string, any>;
  edit(raw);
  return readScenario(raw, `built-in scenario ${id}`);
}

async function failure(id: string, edit: (raw: Record<string, any>) => void): Promise<string> {
  try {
    await runScenario({ scenario: scenarioWith(id, edit), baseDir: dir, seed: 1, strategy: "random" });
  } catch (e) {
    expect(e).toBeInstanceOf(AllocatorError);
    return (e as Error).message;
  }
  throw new Error("the run did not fail");
}

describe("a broken module is reported as the module's error", () => {
  it("a context switch that throws names the file and contextSwitch", async () => {
    const f = moduleFile("cs-throws.mjs", `export default { name: "x", *contextSwitch() { throw new Error("boom"); } };`);
    const msg = await failure("default", (r) => (r.kernel = { ...r.kernel, switchMm: f }));
    expect(msg).toContain(f);
    expect(msg).toMatch(/contextSwitch on core \d: threw: boom/);
  });

  it("a context switch that returns something other than an mm is a wrong type", async () => {
    const f = moduleFile("cs-returns.mjs", `export default { name: "x", *contextSwitch() { return 42; } };`);
    const msg = await failure("default", (r) => (r.kernel = { ...r.kernel, switchMm: f }));
    expect(msg).toMatch(/cs-returns\.mjs: contextSwitch on core \d: returned 42, not the mm now loaded/);
  });

  it("a TLB flush that yields a non-operation names the file and unmapPage", async () => {
    const f = moduleFile("flush-yields.mjs", `export default { name: "x", *unmapPage() { yield "tlbi"; }, ipiHandlers: {} };`);
    const msg = await failure("tlb-shootdown-munmap", (r) => (r.kernel = { ...r.kernel, tlbFlush: f }));
    expect(msg).toMatch(/flush-yields\.mjs: unmapPage on core \d: yielded "tlbi", which is not an operation/);
  });

  it("a TLB flush whose flushTlbRange or flushTlbMm yields a non-operation names the file and the entry point", async () => {
    const f = moduleFile(
      "flush-range-yields.mjs",
      `import b from ${JSON.stringify(join(FIXTURES, "tlb-flush-module.mjs"))}; export default { ...b, *flushTlbRange() { yield "r"; } };`,
    );
    const range = (pages: number, file: string) => (r: Record<string, any>) => {
      r.kernel = { ...r.kernel, tlbFlush: file };
      for (const t of r.tasks) for (const op of t.script) if (op.op === "unmap") op.pages = pages;
    };
    expect(await failure("tlb-shootdown-munmap", range(2, f))).toMatch(
      /flush-range-yields\.mjs: flushTlbRange on core \d: yielded "r"/,
    );
    // 512 pages: the example's flushTlbRange calls k.flushTlbMm, the module's own (MAX_TLBI_OPS).
    const g = moduleFile(
      "flush-mm-yields.mjs",
      `import b from ${JSON.stringify(join(FIXTURES, "tlb-flush-module.mjs"))}; export default { ...b, *flushTlbMm() { yield "m"; } };`,
    );
    expect(await failure("tlb-shootdown-munmap", range(512, g))).toMatch(
      /flush-mm-yields\.mjs: flushTlbMm on core \d: yielded "m"/,
    );
  });

  it("a TLB flush that writes a PTE of a table that does not exist is refused", async () => {
    const f = moduleFile(
      "flush-pte.mjs",
      `export default { name: "x", *unmapPage(k, cpu, mm, va) { yield { k: "pte", table: "nope", va, pte: null }; }, ipiHandlers: {} };`,
    );
    const msg = await failure("tlb-shootdown-munmap", (r) => (r.kernel = { ...r.kernel, tlbFlush: f }));
    expect(msg).toMatch(/flush-pte\.mjs: unmapPage on core \d: yielded a pte of table "nope"/);
  });

  it("a VMID allocator whose vttbrVmid returns no VMID names the file and the operation", async () => {
    const f = moduleFile(
      "vmid-bad.mjs",
      [
        `import a from ${JSON.stringify(join(FIXTURES, "vmid-allocator-module.mjs"))};`,
        `export default { ...a, *vttbrVmid() { return "seven"; } };`,
      ].join("\n"),
    );
    const msg = await failure("a15-vmid-small-5.16", (r) => (r.hyp = { ...r.hyp, vmidAllocator: f }));
    expect(msg).toMatch(/vmid-bad\.mjs: vttbrVmid on core \d: returned "seven", not a VMID/);
  });

  it("a world switch whose exit returns no boolean names the file and exit", async () => {
    const f = moduleFile(
      "ws-bad.mjs",
      [
        `import w from ${JSON.stringify(join(FIXTURES, "world-switch-module.mjs"))};`,
        `export default { ...w, *exit(h, cpu, vcpu, reason) { yield* w.exit(h, cpu, vcpu, reason); return "yes"; } };`,
      ].join("\n"),
    );
    const msg = await failure("a15-vmid-small", (r) => (r.hyp = { ...r.hyp, worldSwitch: f }));
    expect(msg).toMatch(/ws-bad\.mjs: exit on core \d: returned "yes", not a boolean/);
  });

  it("a world switch module that lacks usesVmids is not a world switch", async () => {
    const f = moduleFile("ws-shape.mjs", `export default { *enter() {}, *exit() { return true; }, guestMmuTraps: false };`);
    const msg = await failure("a15-vmid-small", (r) => (r.hyp = { ...r.hyp, worldSwitch: f }));
    expect(msg).toContain(`${f}: the default export is not a world switch: it lacks usesVmids (a boolean)`);
  });

  it("exits 2 with one line on the command line", () => {
    const f = moduleFile("cs-cli.mjs", `export default { name: "x", *contextSwitch() { yield { k: "fly" }; return ""; } };`);
    const r = cli(["run", "default", "--no-log", "--set", `kernel.switchMm=${f}`]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/cs-cli\.mjs: contextSwitch on core \d: yielded \{"k":"fly"\}/);
  });

  it("a VMID allocator path that does not load exits 2, not 'expected one of'", () => {
    const r = cli(["run", "kvm-armv6-flush", "--no-log", "--set", "hyp.vmidAllocator=./no-such-module.mjs"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-such-module\.mjs: cannot load VMID allocator module/);
  });
});
