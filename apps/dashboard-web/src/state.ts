import type { Update } from './views';

/** What the page holds between two updates: one object, so that every module reads and writes the same. */
export const state: {
  /** The last update the stream pushed; undefined until the first after (re)connecting. */
  latest: Update | undefined;
  /** The conversation whose detail is open. */
  selectedConversation: string | undefined;
  /** The agent ids the agents page spans (id order): a change outside it cannot alter what is shown. */
  agentsShown: { first: string; last: string; lastPage: boolean };
  /** Aborts the open stream (and its reconnection). */
  stream: AbortController | undefined;
  /** Conversations ticked for a bulk action; kept across reloads of the list. */
  selected: Set<string>;
  /** Agent names by id, as last read: lists show names, not ids. */
  agentNames: Map<string, string>;
} = {
  latest: undefined,
  selectedConversation: undefined,
  agentsShown: { first: '', last: '', lastPage: true },
  stream: undefined,
  selected: new Set(),
  agentNames: new Map(),
};

export const concernsAgentsShown = (agentId: string) =>
  agentId >= state.agentsShown.first && (state.agentsShown.lastPage || agentId <= state.agentsShown.last);

/** Names, not ids, wherever the page knows them (the queues from the last update, the agents as last read). */
export const queueName = (queueId: string) => state.latest?.queues.find((q) => q.queueId === queueId)?.name ?? queueId;
export const agentName = (agentId: string) => state.agentNames.get(agentId) ?? agentId;
