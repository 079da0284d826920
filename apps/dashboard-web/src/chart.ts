import uPlot from 'uplot';
import { getJson, serialized } from './api';
import { $ } from './dom';
import { state } from './state';
import type { Update } from './views';

/** The chart: uPlot, one waiting line (left axis) and one service-level line (right axis, %) per queue. */

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
  const names = new Map(state.latest?.queues.map((q) => [q.queueId, q.name]));
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
      // The legend names the lines; live values would read "--" until the cursor is over the chart.
      legend: { live: false },
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
        // A count: whole-number ticks only.
        { scale: 'n', label: 'waiting', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
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

/** Reads the history again when the figures the chart's last point depends on have changed. */
export const followHistory = (update: Update) => {
  const figures = chartFigures(update);
  if (figures !== historyFigures) {
    historyFigures = figures;
    void loadHistory();
  }
};

/** After a reconnection: the next update reads the history again, whatever it says. */
export const forgetHistory = () => {
  historyFigures = '';
};

export const resizeChart = () => chart?.setSize({ width: Math.max(320, $('#chart').clientWidth - 8), height: 240 });
