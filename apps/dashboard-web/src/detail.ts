import { getJson, serialized } from './api';
import { $, h } from './dom';
import { badge, statusOf, time } from './format';
import { state } from './state';
import type { AuditEntry, Conversation, Message } from './views';

/** One conversation: its audit timeline and transcript. */

const describe = (e: AuditEntry) => {
  const d = e.data;
  const parts = [
    d.agentId && `agent ${d.agentId}`,
    d.toQueueId && `to ${d.toQueueId}`,
    d.reason,
    d.units && `${d.units}u`,
  ];
  return parts.filter(Boolean).join(', ');
};

export const loadDetail = serialized(async () => {
  const id = state.selectedConversation;
  if (!id) return;
  const path = `/conversations/${encodeURIComponent(id)}`;
  const [conversation, events, messages] = await Promise.all([
    getJson<Conversation>(path),
    getJson<AuditEntry[]>(`${path}/events`),
    getJson<Message[]>(`${path}/transcript`),
  ]);
  if (id !== state.selectedConversation) return;
  const detail = $('#detail');
  detail.hidden = false;
  $('#detail-id').textContent = id;
  $('#detail-summary').replaceChildren(
    badge(statusOf(conversation)),
    ` ${conversation.channel} in ${conversation.queueId}`,
    conversation.primaryAgentId ? `, agent ${conversation.primaryAgentId}` : '',
    `, opened ${time(conversation.openedAt)}`,
    conversation.closedAt ? `, closed ${time(conversation.closedAt)}` : '',
  );
  $('#timeline').replaceChildren(
    ...events.map((e) =>
      h(
        'li',
        { 'data-type': e.type },
        h('span', { class: 'muted' }, `${time(e.at)} `),
        h('code', {}, e.type),
        ` by ${e.actor.kind}${e.actor.id ? ` ${e.actor.id}` : ''}`,
        describe(e) ? ` (${describe(e)})` : '',
        e.statusReason ? h('span', { class: 'muted' }, ` → ${e.statusReason}`) : null,
      ),
    ),
  );
  $('#transcript').replaceChildren(
    ...(messages.length
      ? messages.map((m) =>
          h(
            'li',
            {},
            h('span', { class: 'muted' }, `${time(m.at)} `),
            h('b', {}, m.sender === 'agent' ? `agent ${m.agentId ?? ''}` : m.sender),
            `: ${m.text}`,
          ),
        )
      : [h('li', { class: 'muted' }, 'no messages')]),
  );
});

export const openConversation = async (id: string) => {
  state.selectedConversation = id;
  for (const row of document.querySelectorAll('#conversations tbody tr'))
    row.classList.toggle('selected', (row as HTMLElement).dataset.conversationId === id);
  await loadDetail();
  $('#detail').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
};

export const closeConversation = () => {
  state.selectedConversation = undefined;
  $('#detail').hidden = true;
};
