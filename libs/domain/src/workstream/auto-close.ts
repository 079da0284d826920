import { Channel } from '../channel/channel';
import { AutoCloseSettings } from './settings';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** The defaults a Dynamics 365 operator knows, per channel (docs/timers.md). */
const DEFAULTS: Record<Channel, AutoCloseSettings> = {
  live_chat: { open: 20 * MINUTE, wrap_up: 15 * MINUTE },
  voice: { open: 30 * DAY, active: 2 * HOUR, wrap_up: DAY },
  persistent_chat: { open: 30 * DAY, wrap_up: DAY },
  sms: { open: 30 * DAY, wrap_up: DAY },
  social: { open: 30 * DAY, wrap_up: DAY },
  teams: { open: 30 * DAY, wrap_up: DAY },
  record: {},
};

export const autoCloseFor = (channel: Channel, overrides: AutoCloseSettings = {}): AutoCloseSettings => {
  // Only a number or null overrides a default; a field left out (undefined) keeps it.
  const given = Object.fromEntries(Object.entries(overrides).filter(([, seconds]) => seconds !== undefined));
  const merged: AutoCloseSettings = { ...DEFAULTS[channel], ...given };
  return Object.fromEntries(Object.entries(merged).filter(([, seconds]) => seconds != null));
};
