import { renderConversationActions, resetConversationActions } from './actions';
import { getJson, serialized } from './api';
import { $, h } from './dom';
import { badge, statusOf, time } from './format';
import { agentName, queueName, state } from './state';
import type { AuditEntry, Conversation, Message } from './views';

/** One conversation: its audit timeline and transcript. */

/** What the event adds to who caused it: the agent only when another than the actor, names rather than ids. */
const describe = (e: AuditEntry) => {
  const d = e.data as Record<string, unknown>;
  const supervisor = d.supervisor as { reason?: string } | undefined;
  const parts = [
    typeof d.agentId === 'string' && d.agentId !== e.actor.id && `agent ${agentName(d.agentId)}`,
    typeof d.toAgentId === 'string' && `to ${agentName(d.toAgentId)}`,
    typeof d.toQueueId === 'string' && `to ${queueName(d.toQueueId)}`,
    typeof d.reason === 'string' && d.reason,
    d.overCapacity === true && 'past capacity',
    typeof d.units === 'number' && `${d.units}u`,
    supervisor?.reason && `“${supervisor.reason}”`,
  ];
  return parts.filter(Boolean).join(', ');
};

const actorOf = (e: AuditEntry) =>
  e.actor.role === 'supervisor' ? `supervisor ${e.actor.id}` : `${e.actor.kind} ${agentName(e.actor.id)}`;

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
    ` ${conversation.channel} in ${queueName(conversation.queueId)}`,
    conversation.primaryAgentId ? `, agent ${agentName(conversation.primaryAgentId)}` : '',
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
        ` by ${actorOf(e)}`,
        describe(e) ? ` (${describe(e)})` : '',
        e.statusReason ? h('span', { class: 'muted' }, ` → ${e.statusReason}`) : null,
      ),
    ),
  );
  await renderConversationActions(conversation);
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
  if (id !== state.selectedConversation) resetConversationActions();
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
