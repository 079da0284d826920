/** Common histories of conversation `c1`: agents a1 and a2 (4 units, queues q1 and q2, available) and a1 working it. */
import { Channel } from '../channel/channel';
import { StatusReason } from '../conversation/state';
import {
  Fact,
  UNITS,
  WorkstreamOverrides,
  assigned,
  available,
  closed,
  ended,
  held,
  parked,
  picked,
  released,
  requested,
} from './builders';

export const team: Fact[] = [...available('a1'), ...available('a2')];

const unitsOf = (ws: WorkstreamOverrides) => ws.capacityUnits ?? UNITS;

export const openOn = (channel: Channel, ws: WorkstreamOverrides = {}): Fact[] => [...team, requested(channel, ws)];
/** T2: pushed to a1, not accepted yet. */
export const offeredOn = (channel: Channel, ws: WorkstreamOverrides = {}): Fact[] => [
  ...openOn(channel, ws),
  assigned('a1', unitsOf(ws)),
  held('a1', unitsOf(ws)),
];
/** T1: picked by a1 (accepted at once). */
export const activeOn = (channel: Channel, ws: WorkstreamOverrides = {}): Fact[] => [
  ...openOn(channel, ws),
  picked('a1', unitsOf(ws)),
  held('a1', unitsOf(ws)),
];
/** T4 with the default wrap-up block `always`. */
export const wrapUpOn = (channel: Channel): Fact[] => [...activeOn(channel), ended('a1'), held('a1', UNITS, 'wrap_up')];
/** T11 (asynchronous channels). */
export const waitingOn = (channel: Channel, ws: WorkstreamOverrides = {}): Fact[] => [
  ...activeOn(channel, ws),
  parked('a1'),
  released('a1', unitsOf(ws), 'parked'),
];
/** T14. */
export const closedOn = (channel: Channel): Fact[] => [
  ...wrapUpOn(channel),
  closed('wrap_up_completed', 'a1'),
  released('a1', UNITS, 'closed'),
];

export const historyIn = (status: StatusReason, channel: Channel): Fact[] =>
  ({ open: openOn, active: activeOn, wrap_up: wrapUpOn, waiting: waitingOn, closed: closedOn })[status](channel);
