/** The roles a principal may hold (issue 11); a principal may hold several. */
export const ROLES = ['agent', 'supervisor', 'admin', 'channel'] as const;
export type Role = (typeof ROLES)[number];
