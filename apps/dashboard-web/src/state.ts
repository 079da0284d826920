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
} = {
  latest: undefined,
  selectedConversation: undefined,
  agentsShown: { first: '', last: '', lastPage: true },
  stream: undefined,
};

export const concernsAgentsShown = (agentId: string) =>
  agentId >= state.agentsShown.first && (state.agentsShown.lastPage || agentId <= state.agentsShown.last);
