/**
 * The viewer's debugger tools in chromium at 1400 px (issue 16, items 3 and 5): the event list with a
 * filter and next / previous match, stepping over scheduler choice events, `why` and `watch`, the
 * virtual-time axis and the whole-log density overview, without widening the window.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasChromium, launch, outDir, skipReason } from "./browser.js";
import { bin, ensureBuilt, root, startUi, type UiProcess } from "./spawn-ui.js";

let dir = "";
let browser: Browser;
let page: Page;
let ui: UiProcess;

type Doc = {
  document: {
    querySelector(s: string): { textContent: string | null } | null;
    documentElement: { scrollWidth: number; clientWidth: number };
  };
};
const position = async (): Promise<number> =>
  Number(/^position ([\d,]+)/.exec((await page.textContent("[data-testid=position]")) ?? "")![1]!.replace(/,/g, ""));
const waitPosition = (n: number) =>
  page.waitForFunction(
    (want) =>
      (globalThis as unknown as Doc).document
        .querySelector("[data-testid=position]")
        ?.textContent?.startsWith(`position ${want} /`) ?? false,
    n.toLocaleString("en"),
  );

beforeAll(async () => {
  if (!hasChromium) return;
  ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), "smpsim-ui-search-"));
  const log = join(dir, "v.log");
  expect(
    spawnSync(process.execPath, [bin, "run", "tlb-shootdown-munmap-local-only", "--log", log], { cwd: root, encoding: "utf8" })
      .status,
  ).toBe(1);
  ui = await startUi(log);
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  mkdirSync(outDir, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (ui) expect(await ui.stop()).toBe(0);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!hasChromium)(`the viewer's search, stepping, why and watch in chromium${skipReason}`, () => {
  it("filters the event list, goes to the next and previous match, and rejects a bad filter", async () => {
    await page.goto(`${ui.url}#at=0`);
    await page.waitForSelector("[data-testid=event-list] li[data-seq]");
    await page.fill("[data-testid=filter]", "type=tlb.fill core=1");
    await page.waitForFunction(() =>
      Array.from(
        (
          globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> } }
        ).document.querySelectorAll("[data-testid=event-list] li"),
      ).every((li) => / c1 /.test(li.textContent ?? "")),
    );
    const rows = await page.$$eval("[data-testid=event-list] li[data-seq]", (lis) =>
      lis.map((li) => Number(li.getAttribute("data-seq"))),
    );
    expect(rows.length).toBeGreaterThan(0);
    await page.click("[data-testid=next-match]");
    await waitPosition(rows[0]! + 1);
    if (rows.length > 1) {
      await page.click("[data-testid=next-match]");
      await waitPosition(rows[1]! + 1);
      await page.click("[data-testid=prev-match]");
      await waitPosition(rows[0]! + 1);
    }
    await page.fill("[data-testid=filter]", "colour=blue");
    expect(await (await page.waitForSelector("[data-testid=filter-error]")).textContent()).toMatch(/unknown key "colour"/);
    await page.fill("[data-testid=filter]", "");
  });

  it("steps over scheduler choice events unless choices are on", async () => {
    await page.goto("about:blank");
    await page.goto(`${ui.url}#at=0`);
    await page.waitForSelector("[data-testid=core-text-0]");
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      const before = await position();
      await page.click("[data-testid=forward]");
      await page.waitForFunction(
        (b) =>
          !((globalThis as unknown as Doc).document.querySelector("[data-testid=position]")?.textContent ?? "").startsWith(
            `position ${b} /`,
          ),
        before,
      );
      await page.waitForFunction(() =>
        /^#\d+ /.test((globalThis as unknown as Doc).document.querySelector("[data-testid=current-event]")?.textContent ?? ""),
      );
      seen.push((await page.textContent("[data-testid=current-event]")) ?? "");
    }
    expect(seen.some((t) => /· choice/.test(t))).toBe(false);
    await page.check("[data-testid=choices]");
    const types: string[] = [];
    for (let i = 0; i < 6; i++) {
      const before = await position();
      await page.click("[data-testid=forward]");
      await waitPosition(before + 1);
      await page.waitForFunction(
        (n) =>
          ((globalThis as unknown as Doc).document.querySelector("[data-testid=current-event]")?.textContent ?? "").startsWith(
            `#${n} `,
          ),
        before,
      );
      types.push((await page.textContent("[data-testid=current-event]")) ?? "");
    }
    expect(types.some((t) => /· choice/.test(t))).toBe(true);
    await page.uncheck("[data-testid=choices]");
  });

  it("answers why for a TLB entry and watches a value to its next change", async () => {
    await page.goto("about:blank");
    await page.goto(`${ui.url}#at=72`);
    await page.waitForSelector("[data-testid=core-text-0]");
    await page.selectOption("[data-testid=why-core]", "1");
    await page.fill("[data-testid=why-va]", "0x8000");
    await page.click("[data-testid=why-ask]");
    expect(await (await page.waitForSelector("[data-testid=why-text]")).textContent()).toMatch(
      /why core 1 VA 0x8000 at #71: .*filled by #\d+/s,
    );
    await page.fill("[data-testid=watch-expr]", "core 1 asid");
    await page.click("[data-testid=watch-prev]");
    expect(await (await page.waitForSelector("[data-testid=watch-text]")).textContent()).toMatch(
      /^core 1 asid = \d+ · changed \d+ → \d+ by #\d+$/,
    );
    await page.fill("[data-testid=watch-expr]", "no such thing");
    await page.click("[data-testid=watch-next]");
    expect(await (await page.waitForSelector("[data-testid=tools-error]")).textContent()).toMatch(/watch "no such thing"/);
  });

  it("shows the virtual-time axis and the whole-log density overview, within 1400 px", async () => {
    await page.goto("about:blank");
    await page.goto(`${ui.url}#at=40`);
    await page.waitForSelector("[data-testid=vtime]");
    expect(await page.textContent("[data-testid=vtime]")).toMatch(/^t=[\d,]+$/);
    await page.waitForSelector("[data-testid=density] .density-cell");
    expect(await page.$$eval("[data-testid=density] .density-row", (r) => r.length)).toBeGreaterThan(2);
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as Doc).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: join(outDir, "ui-search.png"), fullPage: true });
  });
});
