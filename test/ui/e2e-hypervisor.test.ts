/**
 * The page draws what the model does not have yet but will (the hypervisor: cores[i].hyp, state.vcpus,
 * new registers, new TLB tags, new event types, VM lanes) without knowing it in advance. The built page
 * is served with a stand-in API that answers as the server will once the log has hypervisor events.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiffView, EventMark, EventsWindow, LanesWindow, Meta, StateView } from "../../src/ui/protocol.js";
import { loadStaticFiles } from "../../src/ui/static-files.js";
import { hasChromium, launch, outDir, skipReason } from "./browser.js";
import { ensureBuilt, root } from "./spawn-ui.js";

const marks: EventMark[] = [
  { seq: 0, t: 0, core: 0, type: "vmid.assign", text: "VM g0 VMID 1:3", lane: 0 },
  { seq: 1, t: 5, core: 0, type: "hyp.enter", text: "enter g0.0 (VMID 3)", lane: 0 },
  { seq: 2, t: 9, core: 0, type: "tlb.fill", text: "read miss 0x8000→0x40000 VMID 3", lane: 0 },
  { seq: 3, t: 12, core: 1, type: "gic.frobnicate", text: "gic.frobnicate", lane: 1 },
];
const meta: Meta = {
  path: "hyp.log",
  scenario: "kvm-a15",
  description: "a guest on a Cortex-A15",
  seed: 1,
  cores: 2,
  events: marks.length,
  truncated: null,
  lanes: [
    { id: "core:0", kind: "core", label: "core 0" },
    { id: "core:1", kind: "core", label: "core 1" },
    { id: "machine", kind: "machine", label: "machine" },
    { id: "vm:g0", kind: "vm", label: "VM g0" },
  ],
  violation: null,
  markers: [],
  markersCut: false,
  maxWindow: 20000,
};
const regs = {
  mode: "HYP",
  ttbr0: "g0.s1",
  ttbr1: "kernel",
  asid: 1,
  vttbr: "g0.s2",
  vmid: 3,
  stage2: true,
  vectorsHigh: true,
  irqOn: true,
  hcr: 0x80000001,
  cntvoff: 1000,
};
const hyp = { vcpu: "g0.0", inGuest: true, vm: "g0", vmid: 3, gen: 1, host: null };
const entry = {
  vpn: 8,
  asid: 1,
  vmid: 3,
  global: false,
  pa: 0x40000,
  writable: true,
  table: "g0.s1",
  gen: 0,
  filledAt: 2,
  lastUsed: 2,
  ipa: 0x10000,
};
const core = (id: number, withHyp: boolean) => ({
  id,
  regs,
  tlb: id === 0 ? [entry] : [],
  task: "",
  ctx: null,
  wait: null,
  inIrq: 0,
  done: false,
  ipiAcksOutstanding: 0,
  tlbiAcksOutstanding: 0,
  ...(withHyp ? { hyp } : {}),
});
const state = (at: number): StateView => ({
  at,
  event: at > 0 ? { mark: marks[at - 1]!, raw: { seq: at - 1, type: marks[at - 1]!.type } } : null,
  state: {
    seq: at,
    t: 0,
    cores: [core(0, true), core(1, false)],
    vars: {},
    locks: {},
    inflight: {},
    tasks: {},
    stale: {},
    vcpus: { "g0.0": { vm: "g0", on: 0 } },
  },
  staleTlb: [[], []],
});
const diff = (at: number): DiffView => ({
  at,
  event: state(at).event,
  vars: [],
  locks: [],
  tasks: [],
  ptes: [],
  sent: [],
  delivered: [],
  stale: [],
  cores:
    at === 3
      ? [
          {
            core: 0,
            regs: [{ key: "hcr", from: 0, to: 0x80000001 }],
            fields: [],
            tlbAdded: [entry],
            tlbRemoved: [],
            counters: [],
            hyp: [{ key: "inGuest", from: false, to: true }],
          },
        ]
      : [],
  other: at === 3 ? [{ key: "vcpus", from: { "g0.0": { vm: "g0", on: -1 } }, to: { "g0.0": { vm: "g0", on: 0 } } }] : [],
});
const lanes: LanesWindow = {
  from: 0,
  to: 4,
  spans: [
    { lane: 0, cat: "world", name: "guest g0.0 VMID 3", start: 1, end: 3 },
    { lane: 3, cat: "world", name: "g0.0 VMID 3 on core 0", start: 1, end: 3 },
  ],
  arrows: [],
};

let server: Server;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  ensureBuilt();
  const files = loadStaticFiles(join(root, "dist/ui"));
  server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const at = Number(url.searchParams.get("at"));
    const api: Record<string, unknown> = {
      "/api/meta": meta,
      "/api/events": { from: 0, to: 4, events: marks } satisfies EventsWindow,
      "/api/lanes": lanes,
      "/api/state": state(at),
      "/api/diff": diff(at),
    };
    const body = api[url.pathname];
    if (body) return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
    const f = files.get(url.pathname);
    if (f) return void res.writeHead(200, { "content-type": f.type }).end(f.body);
    res.writeHead(404).end();
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/#at=3`);
  await page.waitForSelector("[data-testid=hyp-0]");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

describe.skipIf(!hasChromium)(`the page with hypervisor state${skipReason}`, () => {
  it("draws a lane for the VM and world switches as spans on it and on the core", async () => {
    expect(await page.textContent(".lane-vm")).toContain("VM g0");
    expect(await page.locator("[data-testid=timeline] .span-world").count()).toBe(2);
    await page.screenshot({ path: join(outDir, "ui-hypervisor.png"), fullPage: true });
  });

  it("shows a core's hypervisor state with the changed field highlighted, and none for a core without it", async () => {
    const row = page.locator("[data-testid=hyp-0] tr[data-key=inGuest]");
    expect(await row.getAttribute("class")).toBe("changed");
    expect(await row.getAttribute("title")).toBe("was false");
    expect(await page.locator("[data-testid=hyp-1]").count()).toBe(0);
  });

  it("shows registers it does not know, in hex where they are bit fields", async () => {
    expect(await page.textContent("[data-testid=regs-0] tr[data-key=hcr]")).toContain("0x80000001");
    expect(await page.getAttribute("[data-testid=regs-0] tr[data-key=hcr]", "class")).toBe("changed");
    expect(await page.textContent("[data-testid=regs-0] tr[data-key=cntvoff]")).toContain("0x3e8");
  });

  it("shows TLB tags it does not know as extra columns, and the VMID", async () => {
    expect(await page.textContent("[data-testid=tlb-0] thead")).toContain("ipa");
    expect(await page.textContent('[data-testid=tlb-0] tr[data-filled-at="2"]')).toContain("0x10000");
    const row = page.locator('[data-testid=tlb-0] tr[data-filled-at="2"]');
    expect(await row.getAttribute("class")).toBe("added");
    expect(await row.textContent()).toMatch(/0x8000.*1.*3.*0x40000/);
  });

  it("shows machine-wide records it does not know (vCPUs), highlighting what changed", async () => {
    const row = page.locator("[data-testid=machine-vcpus] tr", { hasText: "g0.0" });
    expect(await row.getAttribute("class")).toBe("changed");
  });

  it("marks an event type it does not know, with its description", async () => {
    expect(await page.locator('rect.mark.fam-other[data-seq="3"] title').textContent()).toBe("#3 gic.frobnicate: gic.frobnicate");
  });
});
