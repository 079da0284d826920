import { StoredEvent } from '#event-store';
import { Db } from '../database';
import { Projection } from '../projection';
import { CONFIGURATION_SCHEMA } from './schema';

/** Workstreams and queues as last configured. */
export const configurationProjection: Projection = {
  name: 'configuration',
  reads: ['workstream.configured', 'queue.configured'],
  tables: { workstreams: 'id', queues: 'id' },
  open(db: Db) {
    db.exec(CONFIGURATION_SCHEMA);
    const workstream = db.prepare(`INSERT INTO workstreams (id, settings) VALUES (?, ?)
      ON CONFLICT (id) DO UPDATE SET settings = excluded.settings`);
    const queue = db.prepare(
      `INSERT INTO queues (id, name) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name`,
    );
    const apply = (stored: StoredEvent) => {
      if (stored.type === 'workstream.configured') {
        const { workstreamId, ...settings } = stored.data;
        workstream.run(workstreamId, JSON.stringify({ id: workstreamId, ...settings }));
      } else if (stored.type === 'queue.configured') {
        queue.run(stored.data.queueId, stored.data.name);
      }
    };
    return { apply };
  },
};
