import { Db } from '../database';

/** What HTTP readers ask of the configuration: whether a queue exists. */
export class ConfigurationQueries {
  private readonly queue;

  constructor(db: Db) {
    this.queue = db.prepare('SELECT id FROM queues WHERE id = ?');
  }

  queueExists(queueId: string): boolean {
    return this.queue.get(queueId) !== undefined;
  }
}
