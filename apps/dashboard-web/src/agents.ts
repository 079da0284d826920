import { signOutButton } from './actions';
import { getJson, serialized } from './api';
import { $, h } from './dom';
import { badge, duration, since, time } from './format';
import { PAGE_SIZE, Pager } from './pager';
import { state } from './state';
import type { Agent, Page } from './views';

/** Agents: a page at a time, filtered by presence. */

export const agentsPager = new Pager($('#agents-pager'), () => void loadAgents());

export const loadAgents = serialized(async () => {
  const presence = $<HTMLSelectElement>('#agent-presence').value;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (presence) query.set('presence', presence);
  if (agentsPager.cursor) query.set('cursor', agentsPager.cursor);
  const page = await getJson<Page<Agent> & { at: string }>(`/statistics/agents?${query}`);
  agentsPager.next = page.nextCursor;
  state.agentsShown = {
    // The first page starts before any id, so that a new agent sorting first shows up.
    first: agentsPager.cursor ?? '',
    last: page.items[page.items.length - 1]?.agentId ?? '',
    lastPage: page.nextCursor === null,
  };
  for (const a of page.items) state.agentNames.set(a.agentId, a.name);
  $('#agent-list').replaceChildren(...[...state.agentNames.values()].map((name) => h('option', { value: name })));
  $('#agents tbody').replaceChildren(
    ...page.items.map((a) => {
      const used = a.totalUnits ? Math.min(100, (a.usedUnits / a.totalUnits) * 100) : 0;
      return h(
        'tr',
        { 'data-agent-id': a.agentId },
        h('td', { class: 'id', title: a.agentId }, a.name),
        h(
          'td',
          {},
          badge(a.presence),
          ' ',
          h('span', { class: 'muted', 'data-since': a.presenceSince }, duration(since(a.presenceSince, page.at))),
          ' ',
          signOutButton(a),
        ),
        h(
          'td',
          { class: 'num' },
          h('span', { 'data-field': 'used' }, a.usedUnits),
          ' / ',
          h('span', { 'data-field': 'total' }, a.totalUnits),
          h('span', { class: 'bar' }, h('i', { style: `width:${used}%` })),
        ),
        h(
          'td',
          { 'data-field': 'holds' },
          ...a.holds.map((hold) =>
            h(
              'div',
              {},
              h(
                'a',
                {
                  class: 'id',
                  href: `#${hold.conversationId}`,
                  'data-open': hold.conversationId,
                  title: hold.conversationId,
                },
                hold.conversationId,
              ),
              ' ',
              badge(hold.reason),
              ` ${hold.units}u`,
              hold.until ? h('span', { class: 'muted' }, ` until ${time(hold.until)}`) : null,
            ),
          ),
        ),
      );
    }),
  );
  agentsPager.render(page.items.length, page.total);
});

/** Between two reads of the page, the time each agent has spent in their presence moves on with the updates. */
export const ageAgentsPresence = (at: string) => {
  for (const el of document.querySelectorAll<HTMLElement>('#agents [data-since]'))
    el.textContent = duration(since(el.dataset.since!, at));
};
