/**
 * The viewer's panels as a kernel engineer reads them, in a 1400 px window: the debugger's wording
 * (one formatter for both), no horizontal overflow on any built-in scenario's log (at its end), and
 * a "go to" that rejects what is not an event of the log.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launch, outDir, skipReason } from "./browser.js";
import { bin, ensureBuilt, root, startUi } from "./spawn-ui.js";

let dir = "";
let browser: Browser;
let page: Page;
let ids: string[] = [];

beforeAll(async () => {
  if (!hasChromium) return;
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "smpsim-ui-panels-"));
  const list = spawnSync(process.execPath, [bin, "list", "--json"], { cwd: root, encoding: "utf8" });
  ids = (JSON.parse(list.stdout) as { scenarios: { id: string }[] }).scenarios.map((s) => s.id);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  mkdirSync(outDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** How much wider than the window the page is (0: no horizontal scroll bar). */
const overflow = () =>
  page.evaluate(() => {
    const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document
      .documentElement;
    return d.scrollWidth - d.clientWidth;
  });

describe.skipIf(!hasChromium)(`the viewer's panels in chromium at 1400 px${skipReason}`, () => {
  it("shows every built-in scenario's log in the debugger's words without widening the window", async () => {
    for (const id of ids) {
      const log = join(dir, `${id}.log`);
      const r = spawnSync(process.execPath, [bin, "run", id, "--log", log, "--max-events", "5000"], {
        cwd: root,
        encoding: "utf8",
      });
      expect(r.status === 0 || r.status === 1, `${id}: ${r.stderr}`).toBe(true);
      const ui = await startUi(log);
      try {
        const events = Number(/(\d+) events/.exec(r.stdout)![1]);
        // The end, where the most is going on (the violation, the fullest TLBs, guests entered).
        for (const at of [events]) {
          // A new document each time: the page reads #at= when it loads.
          await page.goto("about:blank");
          await page.goto(`${ui.url}#at=${at}`);
          await page.waitForSelector("[data-testid=core-text-0]");
          await page.waitForFunction(
            (n) =>
              (
                globalThis as unknown as { document: { querySelector(s: string): { textContent: string | null } | null } }
              ).document
                .querySelector("[data-testid=position]")
                ?.textContent?.startsWith(`position ${n} /`) ?? false,
            at.toLocaleString("en"),
          );
          expect(await overflow(), `${id} at ${at}`).toBeLessThanOrEqual(0);
        }
        const core = await page.textContent("[data-testid=core-text-0]");
        expect(core, id).toMatch(/core 0: \w+ mode, .*context /);
        expect(core, id).toMatch(/VTTBR /);
        expect(core).not.toMatch(/irqOn|ttbcrSplit/);
        expect(await page.textContent("[data-testid=machine-text]"), id).toMatch(/tasks|shared variables/);
        if (id === "kvm-armv6-global-kernel")
          await page.screenshot({ path: join(outDir, "ui-panels-hypervisor.png"), fullPage: false });
        if (id === "tlb-shootdown-munmap-local-only")
          await page.screenshot({ path: join(outDir, "ui-panels.png"), fullPage: false });
      } finally {
        expect(await ui.stop()).toBe(0);
      }
    }
  }, 300_000);

  it("rejects a go-to value that is not an event of the log, and says why", async () => {
    const log = join(dir, "goto.log");
    spawnSync(process.execPath, [bin, "run", "tlb-shootdown-munmap-local-only", "--log", log], { cwd: root, encoding: "utf8" });
    const ui = await startUi(log);
    try {
      await page.goto(`${ui.url}#at=5`);
      await page.waitForSelector("[data-testid=core-text-0]");
      await page.fill("[data-testid=goto-event]", "99999");
      await page.press("[data-testid=goto-event]", "Enter");
      expect(await page.textContent("[data-testid=goto-error]")).toMatch(/^no event #99999 \(the log has #0 to #\d+\)$/);
      await page.fill("[data-testid=goto-event]", "twelve");
      await page.press("[data-testid=goto-event]", "Enter");
      expect(await page.textContent("[data-testid=goto-error]")).toBe('"twelve" is not an event number');
      expect(await page.textContent("[data-testid=position]")).toMatch(/^position 5 \//);
    } finally {
      expect(await ui.stop()).toBe(0);
    }
  });
});
