/** Time is passed in as an ISO-8601 UTC string: the domain never reads a clock. */
export type Instant = string;

export const addSeconds = (at: Instant, seconds: number): Instant =>
  new Date(Date.parse(at) + seconds * 1000).toISOString();

export const secondsBetween = (from: Instant, to: Instant): number => (Date.parse(to) - Date.parse(from)) / 1000;
