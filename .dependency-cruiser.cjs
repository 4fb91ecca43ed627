/**
 * The layering, checked by `npm run lint:deps` (part of `npm test`). Dependencies point one way:
 *   test → scenarios → src → (cores, bus)
 * and inside src the model's vocabulary stays below what runs it:
 *   (engine, kernel, hyp, run, ...) → scenario → state → events → (cores, bus)
 * Type-only imports count (tsPreCompilationDeps): a type loop is a design loop too.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "No import cycles, between files or (through files) between folders; type imports included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "cores-bus-below-src",
      severity: "error",
      comment: "cores/ and bus/ are the hardware: they import nothing from src/, scenarios/ or test/.",
      from: { path: "^(cores|bus)/" },
      to: { path: "^(src|scenarios|test)/" },
    },
    {
      name: "src-below-scenarios",
      severity: "error",
      comment: "scenarios/ (built-ins and the format reader) is above src/; composition roots in bin/ join them.",
      from: { path: "^src/" },
      to: { path: "^scenarios/" },
    },
    {
      name: "nothing-imports-test",
      severity: "error",
      comment: "test/ is the top: no source file depends on a test helper.",
      from: { path: "^(src|cores|bus|scenarios)/" },
      to: { path: "^test/" },
    },
    {
      name: "events-lowest",
      severity: "error",
      comment: "The event union is the vocabulary: it imports only cores/ and bus/ (and its own folder).",
      from: { path: "^src/events/" },
      to: { path: "^src/", pathNot: "^src/events/" },
    },
    {
      name: "state-below-engine",
      severity: "error",
      comment: "The state and its reducer know events only: nothing that runs or composes a machine.",
      from: { path: "^src/state/" },
      to: { path: "^src/", pathNot: "^src/(state|events)/" },
    },
    {
      name: "scenario-below-engine",
      severity: "error",
      comment: "A scenario and its initial state are data: no engine, kernel, hypervisor or run above them.",
      from: { path: "^src/scenario/" },
      to: { path: "^src/", pathNot: "^src/(scenario|state|events)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules)/|^src/ui/web/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
      extensions: [".ts", ".js"],
    },
  },
};
