/**
 * Keyboard stepping: ← / → one event, with Shift ten, with Ctrl or Alt a hundred; PageUp / PageDown a
 * window; Home / End the ends of the log. Keys typed into a text field are left alone.
 */
import { useEffect } from "preact/hooks";

export interface Keys {
  step(k: number): void;
  home(): void;
  end(): void;
  page(dir: number): void;
}

export function useKeyboard(keys: Keys): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      const t = e.target as HTMLElement | null;
      if (t && t.tagName === "INPUT" && (t as HTMLInputElement).type === "text") return;
      const by = e.ctrlKey || e.altKey ? 100 : e.shiftKey ? 10 : 1;
      const act: Record<string, () => void> = {
        ArrowRight: () => keys.step(by),
        ArrowLeft: () => keys.step(-by),
        Home: () => keys.home(),
        End: () => keys.end(),
        PageDown: () => keys.page(1),
        PageUp: () => keys.page(-1),
      };
      const f = act[e.key];
      if (!f) return;
      // Also keeps a focused scrubber from moving a second time by its own default action.
      e.preventDefault();
      f();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
    // The handlers as dependencies (their identity), not called here.
    // eslint-disable-next-line @typescript-eslint/unbound-method
  }, [keys.step, keys.home, keys.end, keys.page]);
}
