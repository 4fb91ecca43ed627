/** Reading herd7's AArch64 litmus format, and refusing what is outside the subset with the line. */
import { describe, expect, it } from "vitest";
import { LitmusError } from "../../src/litmus/errors.js";
import { parseLitmus } from "../../src/litmus/parse.js";
import { runLitmus } from "../../src/litmus/run-test.js";

const mp = (p1: string, cond = "exists (1:X0=1 /\\ 1:X2=0)") => `AArch64 T
"a comment line"
(* a comment *)
{
0:X1=x; 0:X3=y;
1:X1=y; 1:X3=x;
}
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | ${p1} ;
 MOV W2,#1   | LDR W2,[X3] ;
 STR W2,[X3] |             ;
${cond}
`;

function refusal(src: string): LitmusError {
  try {
    parseLitmus(src, "t.litmus");
  } catch (e) {
    if (e instanceof LitmusError) return e;
    throw e;
  }
  throw new Error("accepted");
}

describe("litmus parser", () => {
  it("reads the initial state, the program table and the condition", () => {
    const t = parseLitmus(mp("DMB SY"), "t.litmus");
    expect(t.name).toBe("T");
    expect(t.threads.map((th) => th.instrs.length)).toEqual([4, 3]);
    expect(t.regInit.get(1)?.get(3)).toBe("x");
    expect([...t.memInit.keys()].sort()).toEqual(["x", "y"]);
    expect(t.quantifier).toBe("exists");
  });

  it("refuses an unsupported instruction naming its file and line", () => {
    const e = refusal(mp("LDP W4,W5,[X1]"));
    expect(e.message).toMatch(/^t\.litmus:10: P1: unsupported instruction "LDP"/);
  });

  it("refuses another architecture, a bad header, an unknown label and a filter", () => {
    expect(refusal(mp("NOP").replace("AArch64", "PPC")).message).toMatch(/t\.litmus:1: only AArch64/);
    expect(refusal(mp("CBNZ W0,L9")).message).toMatch(/t\.litmus:10: P1: no label "L9"/);
    expect(refusal(mp("NOP", "filter (1:X0=1)\nexists (1:X0=1)")).message).toMatch(/t\.litmus:13: expected exists/);
    expect(refusal(mp("NOP").replace(" P0          | P1", " P0          | P7")).message).toMatch(
      /t\.litmus:8: expected the program header/,
    );
  });

  it("reads ~exists, forall, disjunctions, negations and memory atoms", () => {
    for (const c of ["~exists (1:X0=1 /\\ 1:X2=0)", "forall (1:X0=0 \\/ 1:X2=1)", "exists (~(1:X0=0) /\\ [x]=1 /\\ y=1)"]) {
      expect(parseLitmus(mp("NOP", c), "t.litmus").conditionText).toBe(c);
    }
  });

  it("gives herd7's Ok/No and observation for each quantifier", () => {
    const run = (c: string) => runLitmus(parseLitmus(mp("DMB SY", c), "t.litmus"));
    expect(run("exists (1:X0=1 /\\ 1:X2=0)")).toMatchObject({ ok: true, observation: "Sometimes", verdict: "Allowed" });
    expect(run("~exists (1:X0=1 /\\ 1:X2=0)")).toMatchObject({ ok: false, observation: "Sometimes", verdict: "Allowed" });
    expect(run("forall (1:X0=0 \\/ 1:X0=1)")).toMatchObject({ ok: true, observation: "Always" });
  });

  it("refuses a program that loops, naming the line", () => {
    const loop = mp("NOP")
      .replace(" P0          | P1          ;", " P0          | P1          ;\n L0:         | NOP         ;")
      .replace("STR W2,[X3] |", "B L0        |");
    expect(() => runLitmus(parseLitmus(loop, "t.litmus"))).toThrow(/t\.litmus:\d+: P0: the program loops/);
  });
});
