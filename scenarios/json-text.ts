/**
 * What JSON.parse lets through in a scenario file but a user never means: a UTF-8 byte order mark
 * (editors on Windows add one; JSON.parse calls it a syntax error) is dropped, and a key given twice in
 * one object (JSON.parse keeps the last, silently) is an error naming its line and column.
 */
import { lineColumn } from "./fields.js";

export function withoutBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The first key that appears twice in one object of `text` (valid JSON), with where it is; or null. */
export function duplicateKey(text: string): { key: string; line: number; column: number } | null {
  // Iterative (a stack of the keys seen per open object): nesting depth cannot overflow anything.
  const stack: (Set<string> | null)[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectKey && top) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.has(key)) return { key, ...lineColumn(text, i) };
        top.add(key);
        expectKey = false;
      }
      i = j;
    } else if (ch === "{") {
      stack.push(new Set());
      expectKey = true;
    } else if (ch === "[") {
      stack.push(null);
    } else if (ch === "}" || ch === "]") {
      stack.pop();
    } else if (ch === ",") {
      expectKey = stack[stack.length - 1] != null;
    }
  }
  return null;
}
