/** The shadow table (and the host mm that owns its ASID) a guest table runs on under armv6-kvm. */
export const shadowOf = (guestTable: string): string => `${guestTable}.shadow`;
