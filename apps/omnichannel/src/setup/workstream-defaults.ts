import { WorkstreamSettings } from '#domain';
import { WorkstreamDto } from './workstream.dto';

/** What an operator gets for the optional settings (docs/decisions.md). */
export const DEFAULTS = {
  agentDisconnectTimeoutSeconds: 300,
  waitingInactivityTimeoutSeconds: 7 * 24 * 3600,
  offerTimeoutSeconds: 60,
};

export const withDefaults = (dto: WorkstreamDto): WorkstreamSettings => ({
  channel: dto.channel,
  distribution: dto.distribution,
  capacityUnits: dto.capacityUnits,
  wrapUpCapacityBlock: dto.wrapUpCapacityBlock,
  // Persistent chat keeps the same agent unless the workstream says otherwise.
  keepSameAgent: dto.keepSameAgent ?? dto.channel === 'persistent_chat',
  agentDisconnectTimeoutSeconds: dto.agentDisconnectTimeoutSeconds ?? DEFAULTS.agentDisconnectTimeoutSeconds,
  waitingInactivityTimeoutSeconds: dto.waitingInactivityTimeoutSeconds ?? DEFAULTS.waitingInactivityTimeoutSeconds,
  offerTimeoutSeconds: dto.offerTimeoutSeconds ?? DEFAULTS.offerTimeoutSeconds,
  ...(dto.operatingHours && {
    operatingHours: { timeZone: dto.operatingHours.timeZone, weekly: dto.operatingHours.weekly.map((o) => ({ ...o })) },
  }),
  ...(dto.autoCloseSeconds && { autoCloseSeconds: { ...dto.autoCloseSeconds } }),
  ...(dto.serviceLevelThresholdSeconds !== undefined && {
    serviceLevelThresholdSeconds: dto.serviceLevelThresholdSeconds,
  }),
});
