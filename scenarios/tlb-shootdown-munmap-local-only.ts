/**
 * The same as tlb-shootdown-munmap, but the unmapping core invalidates only its own TLB. Core 1 keeps
 * its entry for the freed page, and a later read there uses it: a coherence violation under any
 * schedule where core 1 reads the page before the unmap and again after it.
 */
import { munmapScenario } from "./tlb-shootdown-munmap.js";

export default {
  ...munmapScenario(
    "tlb-shootdown-munmap-local-only",
    "local",
    "violation",
    "munmap with a local-only TLBI: another core keeps using the freed page (a coherence violation)",
  ),
  // Seed 1 happens to order the reads so that core 1 never rereads the page after the unmap; seed 9
  // is the first that does, so `smpsim run` shows the violation the scenario is listed for.
  schedule: { seed: 9 },
};
