import { AccessRefused, authorizedFetch } from './api';
import { $ } from './dom';
import { state } from './state';
import type { Update } from './views';

/** The live stream: `GET /statistics/stream` (Server-Sent Events), reopened with back-off after any loss. */

/** Back-off between two attempts to open the stream: from the first delay, doubling up to the longest. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_LONGEST_MS = 10_000;

const showConnection = (shown: 'live' | 'reconnecting') => {
  const connection = $('#connection');
  connection.dataset.state = shown;
  connection.textContent = shown === 'live' ? 'live' : 'reconnecting…';
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
 * the URL would end up in logs). Reopened after any loss, with back-off, until a refusal or `abort`. `opened` runs
 * each time the stream opens, before its first update; `onUpdate` with each update.
 */
export const connect = async (opened: () => void, onUpdate: (update: Update) => void) => {
  const controller = new AbortController();
  state.stream = controller;
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
      opened();
      await readEvents(response.body, (data) => onUpdate(JSON.parse(data) as Update));
    } catch (error) {
      if (error instanceof AccessRefused || signal.aborted) return;
    }
    showConnection('reconnecting');
    await pause(delay, signal);
    delay = Math.min(delay * 2, RECONNECT_LONGEST_MS);
  }
};
