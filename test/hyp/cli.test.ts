/** The hypervisor from the outside: `smpsim compare`, and bad `hyp` sections as bad input. */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinScenarios } from "../../scenarios/index.js";
import { cli } from "../kernel/kernel-helpers.js";

const raw = (id: string) => structuredClone(builtinScenarios.find((s) => s.id === id)!.raw) as Record<string, any>;

function scenarioFile(mutate: (s: Record<string, any>) => void): string {
  const s = raw("kvm-armv6-nonglobal");
  mutate(s);
  const file = join(mkdtempSync(join(tmpdir(), "smpsim-hyp-")), "s.json");
  writeFileSync(file, JSON.stringify(s));
  return file;
}

describe("smpsim compare", () => {
  it("prints the seed's comparison side by side and ends with the gain in modelled cycles", () => {
    const r = cli(["compare", "kvm-armv6-flush", "kvm-armv6-nonglobal"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^SEED=1\n/);
    expect(r.stdout).toMatch(/TLB misses +\d+ +\d+ +-\d+\.\d%/);
    expect(r.stdout).toMatch(/whole-TLB flushes +\d+ +0 +-100\.0%/);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(
      /^kvm-armv6-nonglobal vs kvm-armv6-flush: \d+\.\d% fewer modelled cycles \(\d\.\d\d× faster\)/,
    );
  });

  it("gives one JSON object with both runs' totals and the gain, the same for the same seed", () => {
    const a = cli(["compare", "kvm-armv6-flush", "kvm-armv6-nonglobal", "--seed", "4", "--json"]);
    const b = cli(["compare", "kvm-armv6-flush", "kvm-armv6-nonglobal", "--seed", "4", "--json"]);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const j = JSON.parse(a.stdout);
    expect(j.seed).toBe(4);
    expect(j.baseline.totals.cycles).toBeGreaterThan(j.other.totals.cycles);
    expect(j.cycleReduction).toBeCloseTo(1 - j.other.totals.cycles / j.baseline.totals.cycles, 10);
  });

  it("exits 1 when a run violates an invariant, saying its figures stop there", () => {
    const r = cli(["compare", "kvm-armv6-flush", "kvm-armv6-global-kernel"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/kvm-armv6-global-kernel: VIOLATION of vm-isolation at event \d+: its figures stop there/);
  });

  it("exits 2 naming the missing argument when given one scenario", () => {
    const r = cli(["compare", "kvm-armv6-flush"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/compare: expected 2 arguments, got 1/);
  });
});

describe("the scenario format's hyp section", () => {
  it.each([
    ["a vCPU of a VM that does not exist", (s: any) => (s.tasks[0].vcpu = "vm9"), /tasks\[0\]\.vcpu: no VM "vm9" in hyp\.vms/],
    [
      "a guest operation in a host task",
      (s: any) => s.tasks[1].script.push({ op: "hvc" }),
      /tasks\[1\]\.script\[1\]\.op: "hvc" runs in a guest/,
    ],
    [
      "a guest switch to an unknown guest task",
      (s: any) => s.tasks[0].script.unshift({ op: "guest-switch", task: "nope" }),
      /tasks\[0\]\.script\[0\]\.task: VM "vm1" has no guest task "nope"/,
    ],
    [
      "a VM table that is not defined",
      (s: any) => (s.hyp.vms[0].stage2 = "missing"),
      /hyp\.vms\[0\]: table "missing" is not in "tables"/,
    ],
    [
      "an unknown world switch",
      (s: any) => (s.hyp.worldSwitch = "x86"),
      /hyp\.worldSwitch: unknown world switch "x86" \(built-in: armv6-kvm, a15-hyp, vhe; or a module path/,
    ],
    ["a VMID width out of range", (s: any) => (s.hyp.vmidBits = 1), /hyp\.vmidBits: expected an integer from 2 to 16/],
  ])("exits 2 naming the field for %s", (_what, mutate, message) => {
    const file = scenarioFile(mutate);
    const r = cli(["run", file, "--no-log"]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(file);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });
});

describe("the hypervisor in the debugger and the trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "smpsim-hyp-log-"));
  const log = join(dir, "a15.log");

  it("shows each core's guest, saved host context and the vCPUs in debug", () => {
    expect(cli(["run", "a15-vmid-small", "--seed", "1", "--log", log]).status).toBe(0);
    const r = cli(["debug", log, "--eval", "find hyp.enter; next type=hyp.enter core=0; core 0; state"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/guest {6}vm\d \(vCPU vm\d\.vcpu\d\) VMID \d+:\d+ {2}HCR traps 0x78263a/);
    expect(r.stdout).toMatch(/saved host context: vectors high {2}TTBR0 qemu {2}TTBR1 kernel {2}TTBCR.N split {2}ASID \d/);
    expect(r.stdout).toMatch(/^vCPUs: vm1\.vcpu0\(vm1\)/m);
  });

  it("gives every vCPU a trace track with a slice per entry into its guest", () => {
    const out = join(dir, "a15.trace.json");
    expect(cli(["trace", log, "-o", out]).status).toBe(0);
    const trace = JSON.parse(readFileSync(out, "utf8")) as {
      traceEvents: { name: string; ph: string; tid?: number; cat?: string; args?: { name?: string } }[];
    };
    const tracks = trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name" && /vCPU/.test(e.args?.name ?? ""));
    expect(tracks.map((t) => t.args!.name).sort()).toEqual([
      "vm1 vCPU vm1.vcpu0",
      "vm1 vCPU vm1.vcpu1",
      "vm2 vCPU vm2.vcpu0",
      "vm3 vCPU vm3.vcpu0",
      "vm4 vCPU vm4.vcpu0",
    ]);
    const entries = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.includes('"type":"hyp.enter"')).length;
    expect(entries).toBeGreaterThan(20);
    expect(trace.traceEvents.filter((e) => e.cat === "guest").length).toBe(entries);
  });
});
