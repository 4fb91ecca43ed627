/** The Debian chromium under playwright-core, as the browser tests launch it. Not a test file itself. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { root } from "./spawn-ui.js";

export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);
/** Screenshots (gitignored). */
export const outDir = join(root, "test-output");
export const skipReason = hasChromium ? "" : ` (skipped: ${CHROMIUM} is absent; apt-get install -y chromium, as .ci/run does)`;

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // Without the background-networking flags chromium's own connections are refused by a closed
    // network and slow the start; playwright gives every launch a fresh temporary profile.
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}
