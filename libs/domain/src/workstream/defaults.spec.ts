/**
 * A workstream's defaults: the optional settings an operator leaves out, and auto-close (how long a conversation
 * may stay in a status reason, per channel, and the workstream's overrides).
 */
import { CHANNELS, Channel } from '../channel/channel';
import { WorkstreamInput, autoCloseFor, withDefaults } from './defaults';
import { AutoCloseSettings } from './settings';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const DEFAULTS: [Channel, AutoCloseSettings][] = [
  ['live_chat', { open: 20 * MINUTE, wrap_up: 15 * MINUTE }],
  ['voice', { open: 30 * DAY, active: 2 * HOUR, wrap_up: DAY }],
  ['persistent_chat', { open: 30 * DAY, wrap_up: DAY }],
  ['sms', { open: 30 * DAY, wrap_up: DAY }],
  ['teams', { open: 30 * DAY, wrap_up: DAY }],
  ['social', { open: 30 * DAY, wrap_up: DAY }],
  ['record', {}],
];

describe('the auto-close defaults per channel', () => {
  it.each(DEFAULTS)('%s', (channel, expected) => {
    expect(autoCloseFor(channel)).toEqual(expected);
    expect(autoCloseFor(channel, {})).toEqual(expected);
  });

  it('the table above covers every channel', () => {
    expect(new Set(DEFAULTS.map(([channel]) => channel))).toEqual(new Set(CHANNELS));
  });

  it('no channel auto-closes a waiting conversation by default: the inactivity timeout does', () => {
    for (const channel of CHANNELS) expect(autoCloseFor(channel)).not.toHaveProperty('waiting');
  });
});

describe('auto-close overrides', () => {
  it('a number replaces the default and keeps the others', () => {
    expect(autoCloseFor('live_chat', { open: 5 * MINUTE })).toEqual({ open: 5 * MINUTE, wrap_up: 15 * MINUTE });
    expect(autoCloseFor('voice', { active: 4 * HOUR })).toEqual({ open: 30 * DAY, active: 4 * HOUR, wrap_up: DAY });
  });

  it('a number adds a limit the channel does not have', () => {
    expect(autoCloseFor('record', { active: 7 * DAY })).toEqual({ active: 7 * DAY });
    expect(autoCloseFor('sms', { waiting: 2 * DAY })).toEqual({ open: 30 * DAY, wrap_up: DAY, waiting: 2 * DAY });
  });

  it('null removes the default: never auto-closed in that status reason', () => {
    expect(autoCloseFor('live_chat', { open: null })).toEqual({ wrap_up: 15 * MINUTE });
    expect(autoCloseFor('voice', { open: null, active: null, wrap_up: null })).toEqual({});
  });

  it('null for a status reason without a default changes nothing', () => {
    expect(autoCloseFor('record', { waiting: null })).toEqual({});
  });

  it('overrides never leak into the defaults of a later call', () => {
    autoCloseFor('live_chat', { open: 1, wrap_up: null });
    expect(autoCloseFor('live_chat')).toEqual({ open: 20 * MINUTE, wrap_up: 15 * MINUTE });
  });

  it('a status reason the override leaves undefined keeps the channel default (only null removes it)', () => {
    // What the workstream's `{ ...dto.autoCloseSeconds }` is for an HTTP body `{ "open": 3600 }`: with target ES2022
    // the DTO class declares every field, so those the operator left out are own properties holding undefined.
    const fromHttp: AutoCloseSettings = { open: HOUR, active: undefined, wrap_up: undefined, waiting: undefined };
    expect(autoCloseFor('voice', fromHttp)).toEqual({ open: HOUR, active: 2 * HOUR, wrap_up: DAY });
  });
});

describe('the optional settings', () => {
  const required = (channel: Channel): WorkstreamInput => ({
    channel,
    distribution: 'push',
    capacityUnits: 2,
    wrapUpCapacityBlock: 'never',
  });

  it('timeouts left out get the operator defaults', () => {
    expect(withDefaults(required('sms'))).toEqual({
      ...required('sms'),
      keepSameAgent: false,
      agentDisconnectTimeoutSeconds: 5 * MINUTE,
      waitingInactivityTimeoutSeconds: 7 * DAY,
      offerTimeoutSeconds: MINUTE,
    });
  });

  it('a persistent chat keeps the same agent unless told otherwise; no other channel does', () => {
    expect(withDefaults(required('persistent_chat')).keepSameAgent).toBe(true);
    expect(withDefaults({ ...required('persistent_chat'), keepSameAgent: false }).keepSameAgent).toBe(false);
    for (const channel of CHANNELS.filter((c) => c !== 'persistent_chat')) {
      expect(withDefaults(required(channel)).keepSameAgent).toBe(false);
    }
  });

  it('given values win, and fields left undefined (as an HTTP body leaves them) get the default', () => {
    const given = {
      ...required('voice'),
      agentDisconnectTimeoutSeconds: 10,
      waitingInactivityTimeoutSeconds: undefined,
      offerTimeoutSeconds: 20,
      autoCloseSeconds: { active: HOUR },
    };
    expect(withDefaults(given)).toMatchObject({
      agentDisconnectTimeoutSeconds: 10,
      waitingInactivityTimeoutSeconds: 7 * DAY,
      offerTimeoutSeconds: 20,
      autoCloseSeconds: { active: HOUR },
    });
  });

  it('keeps the auto-close overrides as given: the channel defaults are applied when a conversation starts', () => {
    expect(withDefaults({ ...required('live_chat'), autoCloseSeconds: { open: null } }).autoCloseSeconds).toEqual({
      open: null,
    });
    expect(withDefaults(required('live_chat'))).not.toHaveProperty('autoCloseSeconds');
  });
});
