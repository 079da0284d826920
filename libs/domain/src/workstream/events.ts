import { WorkstreamSettings } from './settings';

export type WorkstreamConfigured = {
  type: 'workstream.configured';
  data: { workstreamId: string } & WorkstreamSettings;
  at: string;
};

export type WorkstreamEvent = WorkstreamConfigured;

export const evolveWorkstream = (_state: unknown, event: WorkstreamEvent) => {
  const { workstreamId, ...settings } = event.data;
  return { id: workstreamId, ...settings };
};
