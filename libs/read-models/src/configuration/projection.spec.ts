/** The configuration projection: workstreams and queues as last configured. */
import { DomainEvent, WorkstreamSettings } from '#domain';
import { Unstamped, workstreamFor } from '#domain/testing';
import { project, stored } from '../testing';
import { configurationProjection } from './projection';

const projected = (...events: Unstamped<DomainEvent>[]) => project(configurationProjection, stored(events));

const workstream = (workstreamId: string, settings: WorkstreamSettings): Unstamped<DomainEvent> => ({
  type: 'workstream.configured',
  data: { workstreamId, ...settings },
});
const queue = (queueId: string, name: string): Unstamped<DomainEvent> => ({
  type: 'queue.configured',
  data: { queueId, name },
});

const { id: _id, ...sms } = workstreamFor('sms');

it('a workstream is read back with its settings', () => {
  expect(projected(workstream('ws1', sms)).query.workstream('ws1')).toEqual({ id: 'ws1', ...sms });
});

it('configuring it again replaces it whole', () => {
  const { id: _voice, ...voice } = workstreamFor('voice', { operatingHours: { timeZone: 'UTC', weekly: [] } });
  const { query } = projected(workstream('ws1', sms), workstream('ws1', voice));
  expect(query.workstream('ws1')).toEqual({ id: 'ws1', ...voice });
});

it('a queue exists once configured, and keeps its last name', () => {
  const { query, rows } = projected(queue('q1', 'Sales'), queue('q1', 'Sales EMEA'));
  expect([query.queueExists('q1'), query.queueExists('q2')]).toEqual([true, false]);
  expect(rows('SELECT id, name FROM queues')).toEqual([{ id: 'q1', name: 'Sales EMEA' }]);
});
