import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import type {
  AgentStatistics,
  AuditEntry,
  ConversationCounts,
  ConversationView,
  Page,
  PresenceCounts,
  QueueStatistics,
  TranscriptMessage,
} from '#read-models/views';

/**
 * The supervisor's page: figures pushed by `GET /statistics/stream` (Server-Sent Events, read with fetch so that
 * they carry the bearer token; reconnected with back-off), lists read a page at a time from the statistics
 * endpoints and reloaded only when an update says something they show may have changed. With authentication on,
 * the supervisor pastes a bearer token, kept for the browser tab (sessionStorage) and sent with every request.
 */

// ---- what the service answers (README "Supervisor's live view"): the read models' own view types ----

type Agent = AgentStatistics;
type Conversation = ConversationView;
type Message = TranscriptMessage;

/** What each message of `GET /statistics/stream` carries. */
interface Update {
  position: number;
  at: string;
  queues: QueueStatistics[];
  conversations: ConversationCounts;
  agents: PresenceCounts;
  changed: { conversationIds: string[]; agentIds: string[]; truncated: boolean };
}

// ---- small helpers ----

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

type Child = Node | string | number | null | undefined | false;
const h = (tag: string, attributes: Record<string, string> = {}, ...children: Child[]): HTMLElement => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children)
    if (child !== null && child !== undefined && child !== false)
      element.append(child instanceof Node ? child : String(child));
  return element;
};

// ---- access: a bearer token when the service asks for one (docs/security.md) ----

const TOKEN_KEY = 'omnichannel.bearerToken';
const bearer = sessionStorage.getItem(TOKEN_KEY);
/** Aborts the open stream (and its reconnection). */
let stream: AbortController | undefined;

/** The service refused the token (or its absence): the sign-in form is showing, nothing more is loaded. */
class AccessRefused extends Error {}

/** Replaces the data with the sign-in form, saying why. */
const askForToken = (reason: string) => {
  stream?.abort();
  $('main').hidden = true;
  $('#signin').hidden = false;
  $('#signin-reason').textContent = reason;
  $('#connection').dataset.state = 'signed-out';
  $('#connection').textContent = bearer ? 'token refused' : 'signed out';
};

/** Why a 401 or 403 refused the request, in the supervisor's words. */
const refusal = async (response: Response): Promise<string> => {
  if (response.status === 403) return 'This token lacks the supervisor role.';
  if (!bearer) return 'The service needs a bearer token with the supervisor role.';
  const body = (await response.json().catch(() => ({}))) as { message?: string };
  return `The token was refused${body.message ? ` (${body.message})` : ''}; paste another.`;
};

/** fetch with the bearer token; a refusal shows the sign-in form and throws AccessRefused. */
const authorizedFetch = async (path: string, init: RequestInit = {}): Promise<Response> => {
  const headers = new Headers(init.headers);
  if (bearer) headers.set('authorization', `Bearer ${bearer}`);
  const response = await fetch(path, { ...init, headers });
  if (response.status === 401 || response.status === 403) {
    askForToken(await refusal(response));
    throw new AccessRefused(`${path}: ${response.status}`);
  }
  return response;
};

const getJson = async <T>(path: string): Promise<T> => {
  const response = await authorizedFetch(path, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${path}: ${response.status}`);
  return (await response.json()) as T;
};

const duration = (seconds: number | null): string => {
  if (seconds === null) return '–';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};
const since = (from: string, now: string) => (Date.parse(now) - Date.parse(from)) / 1000;
const time = (at: string) => new Date(at).toISOString().slice(11, 19);
const percent = (share: number | null) => (share === null ? '–' : `${Math.round(share * 100)}%`);
/** The contact-centre convention: 80 % answered in time is on target. */
const serviceLevelClass = (share: number | null) =>
  share === null ? '' : share >= 0.8 ? 'sl-good' : share >= 0.6 ? 'sl-warn' : 'sl-bad';

const statusOf = (c: Pick<Conversation, 'statusReason' | 'accepted'>) =>
  c.statusReason === 'active' && !c.accepted ? 'active_not_accepted' : c.statusReason;
const STATUS_LABELS: Record<string, string> = {
  open: 'open',
  active_not_accepted: 'active, not yet accepted',
  active: 'active',
  wrap_up: 'wrap-up',
  waiting: 'waiting',
  closed: 'closed',
};
const queueName = (queueId: string) => latest?.queues.find((q) => q.queueId === queueId)?.name ?? queueId;
const badge = (value: string) => h('span', { class: `badge ${value}` }, STATUS_LABELS[value] ?? value);

/** Runs `load` once at a time; a call while one runs makes exactly one more run after it. */
const serialized = (load: () => Promise<void>) => {
  let running: Promise<void> | undefined;
  let again = false;
  const run = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = load()
      .catch((error) => {
        if (!(error instanceof AccessRefused)) console.warn(error);
      })
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          void run();
        }
      });
    return running;
  };
  return run;
};

/** Rows per page in the agents and conversations lists. */
const PAGE_SIZE = 25;

/** Forward/back through a cursor-paginated list. */
class Pager {
  private cursors: (string | undefined)[] = [undefined];
  next: string | null = null;

  constructor(
    private readonly element: HTMLElement,
    private readonly reload: () => void,
  ) {}

  get cursor() {
    return this.cursors[this.cursors.length - 1];
  }

  reset() {
    this.cursors = [undefined];
  }

  render(shown: number, total: number) {
    const first = (this.cursors.length - 1) * PAGE_SIZE;
    const back = h('button', { type: 'button' }, '‹');
    const forward = h('button', { type: 'button' }, '›');
    (back as HTMLButtonElement).disabled = this.cursors.length === 1;
    (forward as HTMLButtonElement).disabled = this.next === null;
    back.onclick = () => {
      this.cursors.pop();
      this.reload();
    };
    forward.onclick = () => {
      this.cursors.push(this.next ?? undefined);
      this.reload();
    };
    const range = shown === 0 ? `0 of ${total}` : `${first + 1}–${first + shown} of ${total}`;
    this.element.replaceChildren(back, h('span', { class: 'muted' }, range), forward);
  }
}

// ---- state ----

let latest: Update | undefined;
let selectedConversation: string | undefined;
/** The agent ids the agents page spans (id order): a change outside it cannot alter what is shown. */
let agentsShown = { first: '', last: '', lastPage: true };
const concernsAgentsShown = (agentId: string) =>
  agentId >= agentsShown.first && (agentsShown.lastPage || agentId <= agentsShown.last);

// ---- figures pushed by the stream ----

const renderCounts = (update: Update) => {
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

const renderQueues = (update: Update) => {
  const filter = $<HTMLSelectElement>('#filter-queue');
  $('#queues tbody').replaceChildren(
    ...update.queues.map((q) => {
      const row = h(
        'tr',
        { class: `clickable${filter.value === q.queueId ? ' selected' : ''}`, 'data-queue-id': q.queueId },
        h('td', { class: 'id', title: q.queueId }, q.name),
        h('td', { class: 'num', 'data-field': 'waiting' }, q.waiting),
        h('td', { class: 'num' }, duration(q.longestWaitSeconds)),
        h('td', { class: 'num' }, duration(q.estimatedWaitSeconds)),
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

// ---- the chart: uPlot, one waiting line (left axis) and one service-level line (right axis, %) per queue ----

const COLOURS = ['#2463eb', '#c77700', '#1a8f4c', '#c62f2f', '#7a3fc4', '#0f8b8d', '#8a5a44', '#d6336c'];
/** More lines than this would not read; the queues with the most waiting are drawn. */
const CHART_QUEUES = 6;

interface History {
  at: string;
  minutes: string[];
  queues: { queueId: string; waiting: number[]; serviceLevel: (number | null)[] }[];
}

let chart: uPlot | undefined;
let chartKey = '';
let historyFigures = '';
/** What the chart's last point depends on: when it changes, the history is read again. */
const chartFigures = (update: Update) =>
  update.at.slice(0, 16) + JSON.stringify(update.queues.map((q) => [q.queueId, q.waiting, q.assigned, q.abandoned]));

const drawChart = (history: History) => {
  const names = new Map(latest?.queues.map((q) => [q.queueId, q.name]));
  const queues = [...history.queues]
    .sort(
      (a, b) => b.waiting[b.waiting.length - 1] - a.waiting[a.waiting.length - 1] || (a.queueId < b.queueId ? -1 : 1),
    )
    .slice(0, CHART_QUEUES);
  const xs = history.minutes.map((m) => Date.parse(`${m}:00Z`) / 1000);
  const data: uPlot.AlignedData = [
    xs,
    ...queues.map((q) => q.waiting),
    ...queues.map((q) => q.serviceLevel.map((s) => (s === null ? null : s * 100))),
  ];
  const key = queues.map((q) => q.queueId).join('|');
  const container = $('#chart');
  if (chart && key === chartKey) {
    chart.setData(data);
    return;
  }
  chart?.destroy();
  chartKey = key;
  const label = (q: { queueId: string }) => names.get(q.queueId) ?? q.queueId;
  chart = new uPlot(
    {
      width: Math.max(320, container.clientWidth - 8),
      height: 240,
      // The page speaks UTC throughout, whatever the browser's time zone.
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC'),
      scales: { x: { time: true }, n: { range: (_u, _min, max) => [0, Math.max(5, max)] }, '%': { range: [0, 100] } },
      series: [
        { label: 'time (UTC)' },
        ...queues.map((q, i) => ({
          label: `${label(q)} waiting`,
          scale: 'n',
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          points: { show: false },
        })),
        ...queues.map((q, i) => ({
          label: `${label(q)} service level %`,
          scale: '%',
          stroke: COLOURS[i % COLOURS.length],
          dash: [6, 4],
          width: 1.5,
          points: { size: 4 },
        })),
      ],
      axes: [
        { values: (_u, splits) => splits.map((s) => new Date(s * 1000).toISOString().slice(11, 16)) },
        { scale: 'n', label: 'waiting' },
        { scale: '%', side: 1, label: 'service level %', grid: { show: false } },
      ],
    },
    data,
    container,
  );
};

const loadHistory = serialized(async () => {
  const history = await getJson<History>('/statistics/queues/history');
  drawChart(history);
});

// ---- agents: a page at a time ----

const agentsPager = new Pager($('#agents-pager'), () => void loadAgents());

const loadAgents = serialized(async () => {
  const presence = $<HTMLSelectElement>('#agent-presence').value;
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (presence) query.set('presence', presence);
  if (agentsPager.cursor) query.set('cursor', agentsPager.cursor);
  const page = await getJson<Page<Agent> & { at: string }>(`/statistics/agents?${query}`);
  agentsPager.next = page.nextCursor;
  agentsShown = {
    // The first page starts before any id, so that a new agent sorting first shows up.
    first: agentsPager.cursor ?? '',
    last: page.items[page.items.length - 1]?.agentId ?? '',
    lastPage: page.nextCursor === null,
  };
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

// ---- conversations: filtered, a page at a time ----

const conversationsPager = new Pager($('#conversations-pager'), () => void loadConversations());

const loadConversations = serialized(async () => {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  const queueId = $<HTMLSelectElement>('#filter-queue').value;
  const agentId = $<HTMLInputElement>('#filter-agent').value.trim();
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
          class: `clickable${c.id === selectedConversation ? ' selected' : ''}`,
          'data-conversation-id': c.id,
        },
        h('td', { class: 'id', title: c.id }, c.id),
        h('td', {}, c.channel),
        h('td', { class: 'id', title: c.queueId }, queueName(c.queueId)),
        h('td', { 'data-field': 'status' }, badge(statusOf(c))),
        h('td', { class: 'id', title: c.primaryAgentId ?? '' }, c.primaryAgentId ?? c.primaryExternalNumber ?? ''),
        h('td', { class: 'muted' }, time(c.updatedAt)),
      );
      row.onclick = () => void openConversation(c.id);
      return row;
    }),
  );
  conversationsPager.render(page.items.length, page.total);
});

// ---- one conversation: its audit timeline and transcript ----

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

const loadDetail = serialized(async () => {
  const id = selectedConversation;
  if (!id) return;
  const path = `/conversations/${encodeURIComponent(id)}`;
  const [conversation, events, messages] = await Promise.all([
    getJson<Conversation>(path),
    getJson<AuditEntry[]>(`${path}/events`),
    getJson<Message[]>(`${path}/transcript`),
  ]);
  if (id !== selectedConversation) return;
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

const openConversation = async (id: string) => {
  selectedConversation = id;
  for (const row of document.querySelectorAll('#conversations tbody tr'))
    row.classList.toggle('selected', (row as HTMLElement).dataset.conversationId === id);
  await loadDetail();
  $('#detail').scrollIntoView({ behavior: 'smooth', block: 'nearest' });
};

// ---- the stream ----

const onUpdate = (update: Update) => {
  const first = latest === undefined;
  latest = update;
  $('#as-of').textContent = `as of ${time(update.at)} UTC · position ${update.position}`;
  renderCounts(update);
  renderQueues(update);
  for (const el of document.querySelectorAll<HTMLElement>('#agents [data-since]'))
    el.textContent = duration(since(el.dataset.since!, update.at));
  const { conversationIds, agentIds, truncated } = update.changed;
  if (first || truncated || conversationIds.length) void loadConversations();
  if (first || truncated || agentIds.some(concernsAgentsShown)) void loadAgents();
  if (selectedConversation && (truncated || conversationIds.includes(selectedConversation))) void loadDetail();
  const figures = chartFigures(update);
  if (figures !== historyFigures) {
    historyFigures = figures;
    void loadHistory();
  }
};

/** Back-off between two attempts to open the stream: from the first delay, doubling up to the longest. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_LONGEST_MS = 10_000;

const showConnection = (state: 'live' | 'reconnecting') => {
  const connection = $('#connection');
  connection.dataset.state = state;
  connection.textContent = state === 'live' ? 'live' : 'reconnecting…';
};

/** Calls `onData` with each event's data (the `data:` lines of one Server-Sent Event, joined). */
const readEvents = async (body: ReadableStream<Uint8Array>, onData: (data: string) => void) => {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, '\n');
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, ''));
      if (data.length) onData(data.join('\n'));
    }
  }
};

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * The stream, read with fetch rather than EventSource, which cannot send the Authorization header (and a token in
 * the URL would end up in logs). Reopened after any loss, with back-off, until a refusal or `abort`.
 */
const connect = async () => {
  const controller = new AbortController();
  stream = controller;
  const { signal } = controller;
  let delay = RECONNECT_FIRST_MS;
  while (!signal.aborted) {
    try {
      const response = await authorizedFetch('/statistics/stream', {
        headers: { accept: 'text/event-stream' },
        cache: 'no-store',
        signal,
      });
      if (!response.ok || !response.body) throw new Error(`/statistics/stream: ${response.status}`);
      showConnection('live');
      delay = RECONNECT_FIRST_MS;
      // Whatever changed while disconnected: the next update reloads everything.
      latest = undefined;
      historyFigures = '';
      await readEvents(response.body, (data) => onUpdate(JSON.parse(data) as Update));
    } catch (error) {
      if (error instanceof AccessRefused || signal.aborted) return;
    }
    showConnection('reconnecting');
    await pause(delay, signal);
    delay = Math.min(delay * 2, RECONNECT_LONGEST_MS);
  }
};

// ---- filters ----

for (const selector of ['#filter-queue', '#filter-status'])
  $(selector).addEventListener('change', () => {
    conversationsPager.reset();
    void loadConversations();
    if (latest) renderQueues(latest);
  });
$('#filter-agent').addEventListener('change', () => {
  conversationsPager.reset();
  void loadConversations();
});
$('#agent-presence').addEventListener('change', () => {
  agentsPager.reset();
  void loadAgents();
});
$('#detail-close').addEventListener('click', () => {
  selectedConversation = undefined;
  $('#detail').hidden = true;
});
document.addEventListener('click', (event) => {
  const link = (event.target as HTMLElement).closest<HTMLElement>('[data-open]');
  if (!link) return;
  event.preventDefault();
  void openConversation(link.dataset.open!);
});
window.addEventListener('resize', () =>
  chart?.setSize({ width: Math.max(320, $('#chart').clientWidth - 8), height: 240 }),
);

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
  if (authenticated && !bearer) askForToken('The service needs a bearer token with the supervisor role.');
  else void connect();
};

void start();
