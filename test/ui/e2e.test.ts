/**
 * The viewer in a real browser: the Debian chromium driven by playwright-core (no browser download),
 * against the real `smpsim ui` serving a counterexample found by `smpsim explore`. It steps back and
 * forth with the keyboard, checks the TLB entry a fill made and its highlight, follows an entry's
 * provenance to the event that filled it, and jumps to the violation with one click. Screenshots go
 * to test-output/ (gitignored). Without /usr/bin/chromium the tests are skipped, saying why; .ci/run
 * installs it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimEvent } from "../../src/events/index.js";
import { hasChromium, launch, outDir, skipReason } from "./browser.js";
import { bin, ensureBuilt, root, startUi, type UiProcess } from "./spawn-ui.js";

if (!hasChromium) console.warn(`test/ui/e2e.test.ts: browser tests${skipReason}`);

let dir = "";
let events: SimEvent[] = [];
let ui: UiProcess;
let browser: Browser;
let page: Page;

/** The counterexample's facts the tests check the page against. */
const fact = { fill: -1, violation: -1, brokenAt: -1, regWrite: -1, regName: "" };

beforeAll(async () => {
  if (!hasChromium) return;
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "smpsim-ui-e2e-"));
  const r = spawnSync(process.execPath, [bin, "explore", "tlb-shootdown-munmap-local-only", "--out", dir], {
    cwd: root,
    encoding: "utf8",
  });
  expect(r.status, r.stderr).toBe(1);
  const log = join(dir, "counterexample.log");
  events = readFileSync(log, "utf8")
    .trimEnd()
    .split("\n")
    .slice(1, -1)
    .map((l) => JSON.parse(l) as SimEvent);
  const v = events.find((e): e is Extract<SimEvent, { type: "violation" }> => e.type === "violation")!;
  fact.violation = v.seq;
  fact.brokenAt = v.at;
  // The entry the violating access used: the last non-speculative fill of VA 0x8000 on that core.
  const used = events[v.at]!;
  fact.fill = events.filter((e) => e.type === "tlb.fill" && e.core === used.core && e.va === 0x8000 && e.seq < v.at).at(-1)!.seq;
  // A register write that changes the value (the first ones may write what is already there).
  const w = events.find(
    (e): e is Extract<SimEvent, { type: "reg.write" }> =>
      e.type === "reg.write" && Object.values(e.regs).some((x) => x !== 0 && x !== "kernel"),
  )!;
  fact.regWrite = w.seq;
  fact.regName = Object.keys(w.regs).find((k) => (w.regs as Record<string, unknown>)[k] !== 0)!;
  ui = await startUi(log);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  mkdirSync(outDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (ui) expect(await ui.stop()).toBe(0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Waits until the page is at position n with the state there drawn (runs in the page: no DOM types here). */
const position = (n: number) =>
  page.waitForFunction(
    (n) => {
      const text = (sel: string): string | null | undefined =>
        (
          globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }
        ).document.querySelector(sel)?.textContent;
      return (
        text("[data-testid=position]")?.startsWith(`position ${n} /`) &&
        (n === 0 || text("[data-testid=current-event] .seq") === `#${n - 1}`)
      );
    },
    n,
    { timeout: 10_000 },
  );

/** Goes to position n by keyboard: Home, then Shift+→ (10 events) and → (1). */
async function goTo(n: number): Promise<void> {
  await page.keyboard.press("Home");
  await position(0);
  for (let i = 0; i < Math.floor(n / 10); i++) await page.keyboard.press("Shift+ArrowRight");
  for (let i = 0; i < n % 10; i++) await page.keyboard.press("ArrowRight");
  await position(n);
}

const currentEvent = () => page.textContent("[data-testid=current-event]");

describe.skipIf(!hasChromium)(`the viewer in chromium${skipReason}`, () => {
  it("loads the counterexample with a lane per core, its events as marks and the violation button", async () => {
    const t0 = Date.now();
    await page.goto(ui.url);
    await page.waitForSelector("[data-testid=timeline] rect.mark");
    console.log(`page load (to the first marks drawn): ${Date.now() - t0} ms`);
    expect(await page.textContent(".lane-core")).toContain("core 0");
    expect(await page.locator("[data-testid=timeline] rect.mark").count()).toBe(events.length);
    expect(await page.textContent("#goto-violation")).toContain(`translation-coherence at event #${fact.brokenAt}`);
    await position(0);
    // These tests step one log event at a time, choice events included (e2e-search checks passing over them).
    await page.check("[data-testid=choices]");
    await page.locator("[data-testid=choices]").blur();
  });

  it("steps forward and back with the keyboard, and to either end", async () => {
    await page.keyboard.press("ArrowRight");
    await position(1);
    await page.keyboard.press("Shift+ArrowRight");
    await position(11);
    await page.keyboard.press("ArrowLeft");
    await position(10);
    await page.keyboard.press("End");
    await position(events.length);
    await page.keyboard.press("Home");
    await position(0);
  });

  it("shows the entry a fill made in the core's TLB, highlighted as new only at that event", async () => {
    const core = events[fact.fill]!.core;
    await goTo(fact.fill + 1);
    expect(await currentEvent()).toMatch(new RegExp(`#${fact.fill}.*tlb\\.fill.*read miss 0x8000→0x10000`));
    const row = page.locator(`[data-testid=tlb-${core}] tr[data-filled-at="${fact.fill}"]`);
    expect(await row.getAttribute("class")).toBe("added");
    expect(await row.textContent()).toMatch(/0x8000.*0x10000/);
    expect(await page.getAttribute(`[data-testid=core-${core}]`, "class")).toContain("touched");
    await page.screenshot({ path: join(outDir, "ui-fill.png"), fullPage: true });
    // One step on, the entry is still there but no longer new; one step back, it is again.
    await page.keyboard.press("ArrowRight");
    await position(fact.fill + 2);
    expect(await row.getAttribute("class")).toBe("");
    await page.keyboard.press("ArrowLeft");
    await position(fact.fill + 1);
    expect(await row.getAttribute("class")).toBe("added");
  });

  it("highlights the register an event wrote, with its old value", async () => {
    const w = events[fact.regWrite]!;
    await goTo(fact.regWrite + 1);
    const cell = page.locator(`[data-testid=regs-${w.core}] tr[data-key="${fact.regName}"]`);
    expect(await cell.getAttribute("class")).toBe("changed");
    expect(await cell.getAttribute("title")).toMatch(/^was /);
  });

  it("jumps to the violation with one click, then to the fill behind the stale entry by its provenance link", async () => {
    const t0 = Date.now();
    await page.click("#goto-violation");
    await position(fact.violation + 1);
    console.log(`click to the violation, state drawn: ${Date.now() - t0} ms`);
    expect(await currentEvent()).toMatch(/VIOLATION translation-coherence/);
    expect(await page.locator("rect.mark.fam-violation").count()).toBe(1);
    await page.screenshot({ path: join(outDir, "ui.png"), fullPage: true });
    const core = events[fact.fill]!.core;
    // The entry the violating access used is flagged stale: the tables no longer map its page.
    expect(await page.getAttribute(`[data-testid=tlb-${core}] tr[data-va="0x8000"]`, "class")).toContain("stale");
    await page.click(`[data-testid=tlb-${core}] tr[data-va="0x8000"] button.provenance`);
    await position(fact.fill + 1);
    expect(await currentEvent()).toMatch(new RegExp(`#${fact.fill}.*tlb\\.fill`));
  });

  it("goes to an event typed by number", async () => {
    await page.fill("[data-testid=goto-event]", `#${fact.fill}`);
    await page.press("[data-testid=goto-event]", "Enter");
    await position(fact.fill + 1);
  });

  it("moves to an event clicked on the timeline", async () => {
    await page.click(`[data-testid=timeline] rect.mark[data-seq="${fact.brokenAt}"]`);
    await position(fact.brokenAt + 1);
    expect(await currentEvent()).toMatch(/tlb\.hit.*read 0x8000 hit/);
  });
});
