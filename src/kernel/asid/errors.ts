/** A scenario asks an allocator for something it cannot do, or names one that does not load. */
export class AllocatorError extends Error {
  readonly _tag = "AllocatorError";
}
