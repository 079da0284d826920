import { Channel } from '../channel/channel';
import { AutoCloseSettings, WorkstreamSettings } from './settings';

/**
 * Every default a workstream has, in one place (docs/decisions.md, docs/timers.md): the optional settings an
 * operator may leave out, and the auto-close durations per channel that a workstream's overrides adjust.
 */

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** What an operator gets for the optional timeouts. */
export const WORKSTREAM_DEFAULTS = {
  agentDisconnectTimeoutSeconds: 5 * MINUTE,
  waitingInactivityTimeoutSeconds: 7 * DAY,
  offerTimeoutSeconds: MINUTE,
};

/** A workstream as an operator configures it: the settings with defaults may be left out. */
export type WorkstreamInput = Omit<WorkstreamSettings, keyof typeof WORKSTREAM_DEFAULTS | 'keepSameAgent'> &
  Partial<Pick<WorkstreamSettings, keyof typeof WORKSTREAM_DEFAULTS | 'keepSameAgent'>>;

/** The settings stored for a workstream: the given ones, defaults for the rest, nothing else. */
export const withDefaults = (given: WorkstreamInput): WorkstreamSettings => ({
  channel: given.channel,
  distribution: given.distribution,
  capacityUnits: given.capacityUnits,
  wrapUpCapacityBlock: given.wrapUpCapacityBlock,
  // Persistent chat keeps the same agent unless the workstream says otherwise.
  keepSameAgent: given.keepSameAgent ?? given.channel === 'persistent_chat',
  agentDisconnectTimeoutSeconds:
    given.agentDisconnectTimeoutSeconds ?? WORKSTREAM_DEFAULTS.agentDisconnectTimeoutSeconds,
  waitingInactivityTimeoutSeconds:
    given.waitingInactivityTimeoutSeconds ?? WORKSTREAM_DEFAULTS.waitingInactivityTimeoutSeconds,
  offerTimeoutSeconds: given.offerTimeoutSeconds ?? WORKSTREAM_DEFAULTS.offerTimeoutSeconds,
  ...(given.operatingHours && {
    operatingHours: {
      timeZone: given.operatingHours.timeZone,
      weekly: given.operatingHours.weekly.map((o) => ({ ...o })),
    },
  }),
  ...(given.autoCloseSeconds && { autoCloseSeconds: { ...given.autoCloseSeconds } }),
  ...(given.serviceLevelThresholdSeconds !== undefined && {
    serviceLevelThresholdSeconds: given.serviceLevelThresholdSeconds,
  }),
});

/** The auto-close durations a Dynamics 365 operator knows, per channel (docs/timers.md). */
const AUTO_CLOSE_DEFAULTS: Record<Channel, AutoCloseSettings> = {
  live_chat: { open: 20 * MINUTE, wrap_up: 15 * MINUTE },
  voice: { open: 30 * DAY, active: 2 * HOUR, wrap_up: DAY },
  persistent_chat: { open: 30 * DAY, wrap_up: DAY },
  sms: { open: 30 * DAY, wrap_up: DAY },
  social: { open: 30 * DAY, wrap_up: DAY },
  teams: { open: 30 * DAY, wrap_up: DAY },
  record: {},
};

/** A conversation's auto-close durations: its channel's defaults with the workstream's overrides applied. */
export const autoCloseFor = (channel: Channel, overrides: AutoCloseSettings = {}): AutoCloseSettings => {
  // Only a number or null overrides a default; a field left out (undefined) keeps it.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, seconds]) => seconds !== undefined));
  const merged: AutoCloseSettings = { ...AUTO_CLOSE_DEFAULTS[channel], ...given };
  return Object.fromEntries(Object.entries(merged).filter(([, seconds]) => seconds != null));
};
