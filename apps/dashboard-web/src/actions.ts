import { ActionAnswer, getJson, sendAction } from './api';
import { $, h } from './dom';
import { state } from './state';
import type { Agent, BulkItem, Conversation, Page } from './views';

/**
 * A supervisor's actions (issue 21): assign, transfer and force-close from the conversation panel, signing an
 * agent out from the agents list, and one action on the conversations ticked in the list. The page shows what
 * the service answered at once; the change itself arrives, like any other, through the live stream.
 */

/** Without authentication the body names the supervisor (the "Acting as" field); with it the token does. */
const actingAs = (): { supervisorId?: string } => {
  const field = $<HTMLInputElement>('#acting-as');
  return field.offsetParent !== null && field.value.trim() ? { supervisorId: field.value.trim() } : {};
};

const reasonIn = (selector: string): { reason?: string } => {
  const reason = $<HTMLInputElement>(selector).value.trim();
  return reason ? { reason } : {};
};

/** Every agent (up to the statistics' page size), for the pickers: their free units and presence at a glance. */
const readAgents = async (): Promise<Agent[]> => {
  const page = await getJson<Page<Agent>>('/statistics/agents?limit=200');
  for (const a of page.items) state.agentNames.set(a.agentId, a.name);
  return page.items;
};

const agentOption = (a: Agent) =>
  h(
    'option',
    { value: a.agentId, 'data-free': String(a.freeUnits), 'data-presence': a.presence },
    `${a.name} · ${a.freeUnits} free of ${a.totalUnits} · ${a.presence}`,
  );

/** Fills an agent picker, keeping the choice when the agent is still offered. */
const fillAgents = (select: HTMLSelectElement, agents: Agent[]) => {
  const chosen = select.value;
  select.replaceChildren(h('option', { value: '' }, 'choose an agent…'), ...agents.map(agentOption));
  if (agents.some((a) => a.agentId === chosen)) select.value = chosen;
};

const fillQueues = (select: HTMLSelectElement, except?: string) => {
  const chosen = select.value;
  const queues = (state.latest?.queues ?? []).filter((q) => q.queueId !== except);
  select.replaceChildren(
    h('option', { value: '' }, 'choose a queue…'),
    ...queues.map((q) => h('option', { value: q.queueId }, q.name)),
  );
  if (queues.some((q) => q.queueId === chosen)) select.value = chosen;
};

const outcome = (selector: string, text: string, ok: boolean) => {
  const el = $(selector);
  el.textContent = text;
  el.dataset.outcome = ok ? 'ok' : 'refused';
};

const said = (answer: ActionAnswer, done: string) =>
  answer.ok ? done : `Refused (${answer.status}): ${answer.body.message ?? 'no reason given'}`;

// ---- the conversation panel ------------------------------------------------------------------

/** Which actions the conversation's status allows (S1–S3, docs/lifecycle.md); the service decides regardless. */
export const renderConversationActions = async (conversation: Conversation) => {
  const { statusReason, queueId } = conversation;
  $('#actions').hidden = statusReason === 'closed';
  if (statusReason === 'closed') return;
  $('#action-assign').hidden = statusReason !== 'open';
  $('#action-override-label').hidden = statusReason !== 'open';
  const transferable = statusReason === 'active' || statusReason === 'waiting';
  $('#action-transfer-agent').hidden = !transferable;
  $('#action-transfer-queue').hidden = !transferable;
  $('#action-queue').hidden = !transferable;
  $('#action-agent').hidden = !(transferable || statusReason === 'open');
  fillQueues($<HTMLSelectElement>('#action-queue'), queueId);
  const agents = (await readAgents()).filter(
    (a) => a.queueIds.includes(queueId) && a.agentId !== conversation.primaryAgentId,
  );
  fillAgents($<HTMLSelectElement>('#action-agent'), agents);
};

const onConversation = async (path: string, body: object, done: string) => {
  const id = state.selectedConversation;
  if (!id) return;
  const answer = await sendAction('POST', `/supervisor/conversations/${encodeURIComponent(id)}/${path}`, {
    ...actingAs(),
    ...body,
  });
  outcome('#action-outcome', said(answer, `${done}: now ${answer.body.statusReason}`), answer.ok);
};

const chosenAgent = () => {
  const agentId = $<HTMLSelectElement>('#action-agent').value;
  if (!agentId) outcome('#action-outcome', 'Choose an agent first.', false);
  return agentId;
};

$('#action-assign').addEventListener('click', () => {
  const agentId = chosenAgent();
  if (!agentId) return;
  const overrideCapacity = $<HTMLInputElement>('#action-override').checked;
  void onConversation(
    'assign',
    { agentId, ...(overrideCapacity && { overrideCapacity }), ...reasonIn('#action-reason') },
    `Assigned to ${state.agentNames.get(agentId) ?? agentId}`,
  );
});
$('#action-transfer-agent').addEventListener('click', () => {
  const toAgentId = chosenAgent();
  if (!toAgentId) return;
  void onConversation(
    'transfer',
    { toAgentId, ...reasonIn('#action-reason') },
    `Offered to ${state.agentNames.get(toAgentId) ?? toAgentId}`,
  );
});
$('#action-transfer-queue').addEventListener('click', () => {
  const toQueueId = $<HTMLSelectElement>('#action-queue').value;
  if (!toQueueId) return outcome('#action-outcome', 'Choose a queue first.', false);
  void onConversation('transfer', { toQueueId, ...reasonIn('#action-reason') }, 'Transferred');
});

/** Force-close asks once more, beside the button, and needs a reason (the customer is told a supervisor ended it). */
$('#action-force-close').addEventListener('click', () => {
  if (!reasonIn('#action-reason').reason)
    return outcome('#action-outcome', 'A reason is required to force-close.', false);
  $('#force-close-confirm').hidden = false;
});
$('#force-close-cancel').addEventListener('click', () => ($('#force-close-confirm').hidden = true));
$('#force-close-yes').addEventListener('click', () => {
  $('#force-close-confirm').hidden = true;
  void onConversation('force-close', reasonIn('#action-reason'), 'Force-closed');
});

/** A new conversation in the panel starts with a clean slate. */
export const resetConversationActions = () => {
  $<HTMLInputElement>('#action-reason').value = '';
  $<HTMLInputElement>('#action-override').checked = false;
  $('#force-close-confirm').hidden = true;
  outcome('#action-outcome', '', true);
};

// ---- the agents list: sign out ------------------------------------------------------------------

/** A button in an agent's row; the first click asks to confirm, the second signs the agent out. */
export const signOutButton = (agent: Agent) => {
  if (agent.presence === 'offline') return null;
  const button = h('button', { type: 'button', class: 'small', 'data-sign-out': agent.agentId }, 'Sign out');
  button.onclick = async () => {
    if (button.dataset.confirm !== 'yes') {
      button.dataset.confirm = 'yes';
      button.textContent = `Sign ${agent.name} out?`;
      return;
    }
    const answer = await sendAction('PUT', `/agents/${encodeURIComponent(agent.agentId)}/presence`, {
      status: 'offline',
      ...actingAs(),
      reason: 'signed out by a supervisor',
    });
    const disconnected = (answer.body.disconnectedConversationIds as string[] | undefined)?.length ?? 0;
    outcome(
      '#agents-outcome',
      said(answer, `${agent.name} signed out; ${disconnected} conversation(s) disconnected`),
      answer.ok,
    );
  };
  return button;
};

// ---- bulk ---------------------------------------------------------------------------------------

/** A tick box for a conversation row, remembered across reloads of the list. */
export const selectBox = (conversationId: string) => {
  const box = h('input', { type: 'checkbox', 'data-select': conversationId }) as HTMLInputElement;
  box.checked = state.selected.has(conversationId);
  box.onclick = (event) => event.stopPropagation();
  box.onchange = () => {
    if (box.checked) state.selected.add(conversationId);
    else state.selected.delete(conversationId);
    void renderBulk();
  };
  return box;
};

export const renderBulk = async () => {
  const count = state.selected.size;
  $('#bulk').hidden = count === 0;
  $('#bulk-count').textContent = `${count} selected`;
  if (count === 0) return;
  const action = $<HTMLSelectElement>('#bulk-action').value;
  $('#bulk-agent').hidden = action !== 'assign' && action !== 'transfer-agent';
  $('#bulk-override-label').hidden = action !== 'assign';
  $('#bulk-queue').hidden = action !== 'transfer-queue';
  fillQueues($<HTMLSelectElement>('#bulk-queue'));
  if (!$('#bulk-agent').hidden) fillAgents($<HTMLSelectElement>('#bulk-agent'), await readAgents());
};

$('#bulk-action').addEventListener('change', () => void renderBulk());
$('#bulk-clear').addEventListener('click', () => {
  state.selected.clear();
  for (const box of document.querySelectorAll<HTMLInputElement>('[data-select]')) box.checked = false;
  void renderBulk();
});

const bulkBody = (): object | string => {
  const action = $<HTMLSelectElement>('#bulk-action').value;
  const reason = reasonIn('#bulk-reason');
  const conversationIds = [...state.selected];
  if (action === 'assign' || action === 'transfer-agent') {
    const agentId = $<HTMLSelectElement>('#bulk-agent').value;
    if (!agentId) return 'Choose an agent first.';
    if (action === 'transfer-agent') return { action: 'transfer', toAgentId: agentId, conversationIds, ...reason };
    const overrideCapacity = $<HTMLInputElement>('#bulk-override').checked;
    return { action, agentId, conversationIds, ...(overrideCapacity && { overrideCapacity }), ...reason };
  }
  if (action === 'transfer-queue') {
    const toQueueId = $<HTMLSelectElement>('#bulk-queue').value;
    return toQueueId ? { action: 'transfer', toQueueId, conversationIds, ...reason } : 'Choose a queue first.';
  }
  return reason.reason ? { action: 'force-close', conversationIds, ...reason } : 'A reason is required to force-close.';
};

const runBulk = async (body: object) => {
  const answer = await sendAction('POST', '/supervisor/bulk', { ...actingAs(), ...body });
  if (!answer.ok) return outcome('#bulk-summary', said(answer, ''), false);
  const results = answer.body.results as BulkItem[];
  const done = results.filter((r) => r.status === 200).length;
  outcome('#bulk-summary', `${done} of ${results.length} done`, done === results.length);
  $('#bulk-results').replaceChildren(
    ...results.map((r) =>
      h(
        'li',
        { 'data-result': r.conversationId, 'data-status': String(r.status) },
        h('span', { class: 'id' }, r.conversationId),
        r.status === 200 ? ` ✓ ${r.statusReason}` : ` ✗ ${r.status}: ${r.error ?? ''}`,
      ),
    ),
  );
  // What succeeded leaves the selection; what was refused stays ticked, to try again.
  for (const r of results) if (r.status === 200) state.selected.delete(r.conversationId);
  for (const box of document.querySelectorAll<HTMLInputElement>('[data-select]'))
    box.checked = state.selected.has(box.dataset.select!);
  $('#bulk').hidden = false;
  $('#bulk-count').textContent = `${state.selected.size} selected`;
};

/** Force-close asks once more, naming how many; the other actions run at once. */
$('#bulk-apply').addEventListener('click', () => {
  const body = bulkBody();
  if (typeof body === 'string') return outcome('#bulk-summary', body, false);
  if ((body as { action: string }).action !== 'force-close') return void runBulk(body);
  $('#bulk-yes').textContent = `Yes, force-close ${state.selected.size}`;
  $('#bulk-confirm').hidden = false;
});
$('#bulk-yes').addEventListener('click', () => {
  $('#bulk-confirm').hidden = true;
  const body = bulkBody();
  if (typeof body !== 'string') void runBulk(body);
});
$('#bulk-cancel').addEventListener('click', () => ($('#bulk-confirm').hidden = true));
