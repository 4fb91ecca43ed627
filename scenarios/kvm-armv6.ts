/**
 * The seed's machine: KVM on an ARMv6-class core without virtualisation support (Christoffer Dall's
 * 2010 KVM/ARM). Core 0 runs a vCPU thread (in the host process "qemu") and a host shell; core 1 a
 * host daemon. The guest runs two guest tasks and its kernel; every few guest accesses it traps to
 * the host (an MMIO access or hypercall), whose handler reads host kernel data at 0xc0010000 and
 * 0xc0011000 — the same VAs the guest's own kernel uses for its own data. Three variants answer the
 * seed's question: global host kernel mappings and no flush (the guest hits the host's entries),
 * global with a TLB flush on every world switch, and non-global host kernel mappings without flushes.
 */
const pa = (n: number): string => `0x${n.toString(16)}`;
const rd = (va: string) => ({ op: "read", va });
const wr = (va: string) => ({ op: "write", va });

/** One guest time slice: a guest task's working set, then its kernel's, touched several times. */
function guestSlice(user: string[]) {
  return [
    { op: "repeat", times: 4, body: [...user.map(rd), wr(user[0]!), rd("0xc0000000"), rd("0xc0001000"), rd("0xc0010000")] },
    rd("0xc0011000"),
  ];
}

/**
 * `cores`: 2 (the daemon on its own core) or 1, the uniprocessor ARM11 (ARM1136/ARM1176) of the seed
 * thread's measurement, where the daemon shares the core with the vCPU thread and the shell.
 */
export function kvmArmv6(
  id: string,
  hostKernelMappings: "global" | "non-global",
  flushOnSwitch: boolean,
  expect: "clean" | "violation",
  description: string,
  rounds = 6,
  cores: 1 | 2 = 2,
) {
  const hostKernel: Record<string, object> = {
    "0xc0000000": { pa: "0x80000000" },
    "0xc0001000": { pa: "0x80001000" },
    "0xc0010000": { pa: "0x80010000" },
    "0xc0011000": { pa: "0x80011000" },
    "0xc0012000": { pa: "0x80012000" },
    "0xffff0000": { pa: "0x8fff0000" },
    "0xffff1000": { pa: "0x8fff1000" },
  };
  const user = (base: number) => ({
    "0x8000": { pa: pa(base) },
    "0x9000": { pa: pa(base + 0x1000) },
    "0xa000": { pa: pa(base + 0x2000) },
  });
  // Guest-physical (IPA) layout: guest RAM at 0x40000000, backed by host pages at 0x60000000.
  const ipa = (n: number) => ({ pa: pa(0x40000000 + n * 0x1000) });
  const stage2: Record<string, object> = {};
  for (let n = 0; n < 16; n++) stage2[pa(0x40000000 + n * 0x1000)] = { pa: pa(0x60000000 + n * 0x1000) };
  const hostReads = ["0xc0010000", "0xc0011000", "0xc0012000"];
  const hostSlice = [
    { op: "repeat", times: 3, body: [rd("0x8000"), wr("0x9000"), rd("0xa000"), ...hostReads.map(rd), rd("0xc0000000")] },
  ];
  return {
    id,
    description,
    expect,
    machine: { arch: "armv6", cores, tlbEntries: 64 },
    tables: {
      kernel: hostKernel,
      qemu: user(0x10000),
      shell: user(0x20000),
      daemon: user(0x30000),
      "vm1.kernel": { "0xc0000000": ipa(0), "0xc0001000": ipa(1), "0xc0010000": ipa(2), "0xc0011000": ipa(3) },
      "vm1.init": { "0x8000": ipa(4), "0x9000": ipa(5) },
      "vm1.sh": { "0x8000": ipa(6), "0xa000": ipa(7) },
      "vm1.s2": stage2,
    },
    // ARMv6: cpu_v6_switch_mm writes TTBR0 then CONTEXTIDR (arch/arm/mm/proc-v6.S).
    kernel: { asidAllocator: "static", switchSequence: "ttbr-then-asid", scheduler: "round-robin" },
    hyp: {
      worldSwitch: "armv6-kvm",
      hostKernelMappings,
      flushOnSwitch,
      vms: [
        {
          id: "vm1",
          stage2: "vm1.s2",
          kernelTable: "vm1.kernel",
          guestTasks: [
            { id: "init", table: "vm1.init", asid: 1 },
            { id: "sh", table: "vm1.sh", asid: 2 },
          ],
        },
      ],
    },
    tasks: [
      {
        id: "vm1.vcpu0",
        mm: "qemu",
        vcpu: "vm1",
        cores: [0],
        script: [
          {
            op: "repeat",
            times: rounds,
            body: [
              ...guestSlice(["0x8000", "0x9000"]),
              { op: "hvc", host: hostReads },
              { op: "guest-switch", task: "sh" },
              ...guestSlice(["0x8000", "0xa000"]),
              { op: "hvc", host: hostReads },
              // A device interrupt for the guest: the host takes it and injects it through low vectors.
              { op: "inject-irq" },
              rd("0xc0000000"),
              { op: "guest-switch", task: "init" },
              { op: "yield" },
            ],
          },
        ],
      },
      { id: "shell", mm: "shell", cores: [0], script: [{ op: "repeat", times: rounds, body: [...hostSlice, { op: "yield" }] }] },
      {
        id: "daemon",
        mm: "daemon",
        cores: [cores - 1],
        script: [{ op: "repeat", times: rounds, body: [...hostSlice, { op: "yield" }] }],
      },
    ],
  };
}

export const kvmArmv6GlobalKernel = kvmArmv6(
  "kvm-armv6-global-kernel",
  "global",
  false,
  "violation",
  "ARMv6 KVM, host kernel mapped global, no TLB flush on world switch: the guest hits the host's kernel entries (violation)",
);
export const kvmArmv6Flush = kvmArmv6(
  "kvm-armv6-flush",
  "global",
  true,
  "clean",
  "ARMv6 KVM, host kernel mapped global, TLB flushed on every world switch (clean; the seed's baseline)",
);
export const kvmArmv6Nonglobal = kvmArmv6(
  "kvm-armv6-nonglobal",
  "non-global",
  false,
  "clean",
  "ARMv6 KVM, host kernel mapped non-global, no flush on world switch (clean; the seed's proposal)",
);

// The seed's measurement was on a uniprocessor ARM11 (issue 13, item 10): the same load on one core.
export const kvmArmv6FlushUp = kvmArmv6(
  "kvm-armv6-flush-up",
  "global",
  true,
  "clean",
  "ARMv6 KVM on a uniprocessor (the seed's ARM11), host kernel global, TLB flushed on every world switch (clean)",
  6,
  1,
);
export const kvmArmv6NonglobalUp = kvmArmv6(
  "kvm-armv6-nonglobal-up",
  "non-global",
  false,
  "clean",
  "ARMv6 KVM on a uniprocessor (the seed's ARM11), host kernel non-global, no flush on world switch (clean)",
  6,
  1,
);
