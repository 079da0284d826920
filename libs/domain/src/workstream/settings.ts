import { Channel } from '../channel/channel';

export type Distribution = 'push' | 'pick';

/** `always`, `never`, or a block of 1 to 60 minutes. */
export type WrapUpCapacityBlock = 'always' | 'never' | { minutes: number };

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

export interface OperatingHours {
  timeZone: string;
  weekly: { day: Weekday; from: string; to: string }[];
}

/** Seconds a conversation may stay in a status reason before the engine moves it on; null = never. */
export type AutoCloseSettings = Partial<Record<'open' | 'active' | 'wrap_up' | 'waiting', number | null>>;

export interface WorkstreamSettings {
  channel: Channel;
  distribution: Distribution;
  capacityUnits: number;
  wrapUpCapacityBlock: WrapUpCapacityBlock;
  keepSameAgent: boolean;
  agentDisconnectTimeoutSeconds: number;
  waitingInactivityTimeoutSeconds: number;
  offerTimeoutSeconds: number;
  operatingHours?: OperatingHours;
  /** Overrides of the channel's auto-close defaults (see defaults.ts). */
  autoCloseSeconds?: AutoCloseSettings;
  /** Service level counts a conversation as answered in time when assigned within this many seconds (default 20). */
  serviceLevelThresholdSeconds?: number;
}

export interface Workstream extends WorkstreamSettings {
  id: string;
}
