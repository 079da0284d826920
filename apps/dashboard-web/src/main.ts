import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { agentsPager, ageAgentsPresence, loadAgents } from './agents';
import { TOKEN_KEY, askForToken, bearer } from './api';
import { followHistory, forgetHistory, resizeChart } from './chart';
import { conversationsPager, loadConversations } from './conversations';
import { closeConversation, loadDetail, openConversation } from './detail';
import { $ } from './dom';
import { renderCounts, renderQueues } from './figures';
import { time } from './format';
import { connect } from './live-stream';
import { concernsAgentsShown, state } from './state';
import type { Update } from './views';

/**
 * The supervisor's page: figures pushed by `GET /statistics/stream` (Server-Sent Events, read with fetch so that
 * they carry the bearer token; reconnected with back-off), lists read a page at a time from the statistics
 * endpoints and reloaded only when an update says something they show may have changed. With authentication on,
 * the supervisor pastes a bearer token, kept for the browser tab (sessionStorage) and sent with every request.
 * This file wires the parts together: what each update reloads, the controls, signing in and out.
 */

const onUpdate = (update: Update) => {
  const first = state.latest === undefined;
  state.latest = update;
  // UTC like the rest of the page, and the browser's local time beside it for whoever is not on UTC.
  const local = new Date(update.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  $('#as-of').textContent = `as of ${time(update.at)} UTC (${local} local) · position ${update.position}`;
  renderCounts(update);
  renderQueues(update);
  ageAgentsPresence(update.at);
  const { conversationIds, agentIds, truncated } = update.changed;
  if (first || truncated || conversationIds.length) void loadConversations();
  if (first || truncated || agentIds.some(concernsAgentsShown)) void loadAgents();
  if (state.selectedConversation && (truncated || conversationIds.includes(state.selectedConversation)))
    void loadDetail();
  followHistory(update);
};

/** Whatever changed while disconnected: the next update reloads everything. */
const onOpened = () => {
  state.latest = undefined;
  forgetHistory();
};

// ---- filters ----

for (const selector of ['#filter-queue', '#filter-status'])
  $(selector).addEventListener('change', () => {
    conversationsPager.reset();
    void loadConversations();
    if (state.latest) renderQueues(state.latest);
  });
$('#filter-agent').addEventListener('change', () => {
  conversationsPager.reset();
  void loadConversations();
});
$('#agent-presence').addEventListener('change', () => {
  agentsPager.reset();
  void loadAgents();
});
$('#detail-close').addEventListener('click', closeConversation);
document.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest<HTMLElement>('[data-open]');
  if (!link) return;
  event.preventDefault();
  void openConversation(link.dataset.open!);
});
window.addEventListener('resize', resizeChart);

// ---- signing in and out: a reload starts the page over with (or without) the token ----

$('#signin-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const pasted = $<HTMLTextAreaElement>('#signin-token')
    .value.trim()
    .replace(/^Bearer\s+/i, '');
  if (!pasted) return;
  sessionStorage.setItem(TOKEN_KEY, pasted);
  location.reload();
});
$('#signout').addEventListener('click', () => {
  sessionStorage.removeItem(TOKEN_KEY);
  location.reload();
});

/** /health (public) says whether the service wants tokens; without authentication nothing about them shows. */
const start = async () => {
  const health = await fetch('/health')
    .then((r) => r.json() as Promise<{ access?: { authentication?: string } }>)
    .catch(() => undefined);
  const authenticated = (health?.access?.authentication ?? 'none') !== 'none';
  $('#signout').hidden = !(authenticated && bearer);
  // Without authentication the supervisor names themself for the audit trail; with it the token does.
  $('#acting').hidden = authenticated;
  if (authenticated && !bearer) askForToken('The service needs a bearer token with the supervisor role.');
  else void connect(onOpened, onUpdate);
};

void start();
