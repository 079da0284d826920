import { $, h } from './dom';
import { duration, percent, serviceLevelClass } from './format';
import type { QueueStatistics, Update } from './views';

/** The figures each update pushes: status and presence counts, and one row per queue. */

export const renderCounts = (update: Update) => {
  const { byStatusReason, activeNotAccepted } = update.conversations;
  const tile = (key: string, label: string, value: number) =>
    h('div', { class: 'count', 'data-count': key }, h('b', {}, value), h('span', {}, label));
  $('#status-counts').replaceChildren(
    tile('open', 'open (waiting)', byStatusReason.open ?? 0),
    tile('active_not_accepted', 'active, not yet accepted', activeNotAccepted),
    tile('active', 'active', byStatusReason.active ?? 0),
    tile('wrap_up', 'wrap-up', byStatusReason.wrap_up ?? 0),
    tile('waiting', 'waiting for customer', byStatusReason.waiting ?? 0),
    tile('closed', 'closed', byStatusReason.closed ?? 0),
  );
  $('#presence-counts').replaceChildren(
    ...(['available', 'busy', 'away', 'offline'] as const).map((p) => tile(p, p, update.agents[p] ?? 0)),
  );
};

/**
 * The estimate is the average of recent waits: none yet reads "no estimate yet", not 0 s; and while customers are
 * waiting longer than it, it says "at least" the longest current wait, since the recent past no longer describes now.
 */
const estimatedWait = (q: QueueStatistics): string => {
  const estimate = q.estimatedWaitSeconds;
  if (estimate === null) return q.waiting > 0 ? 'no estimate yet' : '–';
  const longest = q.longestWaitSeconds ?? 0;
  return q.waiting > 0 && estimate < longest ? `≥ ${duration(longest)}` : duration(estimate);
};

export const renderQueues = (update: Update) => {
  const filter = $<HTMLSelectElement>('#filter-queue');
  $('#queues tbody').replaceChildren(
    ...update.queues.map((q) => {
      const row = h(
        'tr',
        { class: `clickable${filter.value === q.queueId ? ' selected' : ''}`, 'data-queue-id': q.queueId },
        h('td', { class: 'id', title: q.queueId }, q.name),
        h('td', { class: 'num', 'data-field': 'waiting' }, q.waiting),
        h('td', { class: 'num' }, duration(q.longestWaitSeconds)),
        h('td', { class: 'num', 'data-field': 'estimate' }, estimatedWait(q)),
        h('td', { class: 'num', 'data-field': 'assigned' }, q.assigned),
        h('td', { class: 'num' }, q.abandoned),
        h('td', { class: 'num' }, duration(q.averageSpeedToAnswerSeconds)),
        h('td', { class: `num ${serviceLevelClass(q.serviceLevel)}` }, percent(q.serviceLevel)),
      );
      row.onclick = () => {
        filter.value = filter.value === q.queueId ? '' : q.queueId;
        filter.dispatchEvent(new Event('change'));
      };
      return row;
    }),
  );
  // The queue filter offers every queue; its choice survives updates.
  const chosen = filter.value;
  filter.replaceChildren(
    h('option', { value: '' }, 'all'),
    ...update.queues.map((q) => h('option', { value: q.queueId }, q.name)),
  );
  filter.value = chosen;
};
