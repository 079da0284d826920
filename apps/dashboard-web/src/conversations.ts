import { selectBox } from './actions';
import { getJson, serialized } from './api';
import { openConversation } from './detail';
import { $, h } from './dom';
import { badge, statusOf, time } from './format';
import { PAGE_SIZE, Pager } from './pager';
import { agentName, queueName, state } from './state';
import type { Conversation, Page } from './views';

/** Conversations: filtered by queue, agent and status, a page at a time. */

export const conversationsPager = new Pager($('#conversations-pager'), () => void loadConversations());

export const loadConversations = serialized(async () => {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const queueId = $<HTMLSelectElement>('#filter-queue').value;
  // The filter takes an agent's name (offered from the agents read so far) or id.
  const typed = $<HTMLInputElement>('#filter-agent').value.trim();
  const agentId = [...state.agentNames].find(([, name]) => name === typed)?.[0] ?? typed;
  const status = $<HTMLSelectElement>('#filter-status').value;
  if (queueId) query.set('queueId', queueId);
  if (agentId) query.set('agentId', agentId);
  if (status) query.set('statusReason', status);
  if (conversationsPager.cursor) query.set('cursor', conversationsPager.cursor);
  const page = await getJson<Page<Conversation>>(`/statistics/conversations/list?${query}`);
  conversationsPager.next = page.nextCursor;
  $('#conversations tbody').replaceChildren(
    ...page.items.map((c) => {
      const row = h(
        'tr',
        {
          class: `clickable${c.id === state.selectedConversation ? ' selected' : ''}`,
          'data-conversation-id': c.id,
        },
        h('td', {}, selectBox(c.id)),
        h('td', { class: 'id', title: c.id }, c.id),
        h('td', {}, c.channel),
        h('td', { class: 'id', title: c.queueId }, queueName(c.queueId)),
        h('td', { 'data-field': 'status' }, badge(statusOf(c))),
        h(
          'td',
          { class: 'id', title: c.primaryAgentId ?? '' },
          c.primaryAgentId ? agentName(c.primaryAgentId) : (c.primaryExternalNumber ?? ''),
        ),
        h('td', { class: 'muted' }, time(c.updatedAt)),
      );
      row.onclick = () => void openConversation(c.id);
      return row;
    }),
  );
  conversationsPager.render(page.items.length, page.total);
});
