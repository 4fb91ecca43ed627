/** The VMID allocators by name. */
import type { VmidAllocatorName } from "../../scenario/types.js";
import type { VmidAllocator } from "./allocator.js";
import { kvm39 } from "./kvm-3-9.js";
import { kvm516 } from "./kvm-5-16.js";

export const vmidAllocators: Readonly<Record<VmidAllocatorName, VmidAllocator>> = { "kvm-3.9": kvm39, "kvm-5.16": kvm516 };
