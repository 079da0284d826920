import { h } from './dom';
import type { Conversation } from './views';

/** How figures, times and statuses read on the page. */

export const duration = (seconds: number | null): string => {
  if (seconds === null) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};
export const since = (from: string, now: string) => (Date.parse(now) - Date.parse(from)) / 1000;
export const time = (at: string) => new Date(at).toISOString().slice(11, 19);
export const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)}%`);
/** The contact-centre convention: 80 % answered in time is on target. */
export const serviceLevelClass = (share: number | null) =>
  share === null ? '' : share >= 0.8 ? 'sl-good' : share >= 0.6 ? 'sl-warn' : 'sl-bad';

export const statusOf = (c: Pick<Conversation, 'statusReason' | 'accepted'>) =>
  c.statusReason === 'active' && !c.accepted ? 'active_not_accepted' : c.statusReason;
const STATUS_LABELS: Record<string, string> = {
  open: 'open',
  active_not_accepted: 'active, not yet accepted',
  active: 'active',
  wrap_up: 'wrap-up',
  waiting: 'waiting',
  closed: 'closed',
};
export const badge = (value: string) => h('span', { class: `badge ${value}` }, STATUS_LABELS[value] ?? value);
