/** The engine plus read models and a Distributor that sends `assign` on the common command path, for specs. */
import { join } from 'node:path';
import { TestEngine, startEngine } from '#command-handling/testing';
import { Db, ProjectionRunner, allProjections, openReadModelDb } from '#read-models';
import { EveryQuery, everyQuery } from '#read-models/testing';
import { Distributor } from '../distribution/distributor';

export interface DistributionEngine extends TestEngine {
  db: Db;
  runner: ProjectionRunner;
  readModels: EveryQuery;
  distributor: Distributor;
  /** What the distributor reported through onError (lost races). */
  distributionErrors: unknown[];
  /** Waits until the read models include everything stored so far. */
  settle(): Promise<void>;
  /** One distribution pass over everything, then waits for its assignments to be projected; resolves with its position. */
  distribute(): Promise<number>;
}

const PROJECTION_TIMEOUT_MS = 5000;

export const startDistributionEngine = async (start?: string): Promise<DistributionEngine> => {
  const engine = startEngine(start, 'distributor-spec-');
  const db = openReadModelDb(join(engine.dir, 'read-models'));
  const runner = new ProjectionRunner(db, engine.store, allProjections);
  await runner.start();
  const readModels = everyQuery(db);
  const distributionErrors: unknown[] = [];
  const distributor = new Distributor(
    engine.clock,
    readModels,
    (command, cause) => engine.commands.execute(command, cause),
    (error) => distributionErrors.push(error),
  );
  distributor.start();
  runner.onBatch(
    (events) => distributor.observe(events),
    (error) => distributionErrors.push(error),
  );
  const reach = async (position: number) => {
    if (!(await runner.waitFor(position, PROJECTION_TIMEOUT_MS))) {
      throw new Error(
        `read models did not reach position ${position} within ${PROJECTION_TIMEOUT_MS} ms (at ${runner.position})`,
      );
    }
  };
  const settle = async () => reach(await engine.store.headPosition());
  return {
    ...engine,
    db,
    runner,
    readModels,
    distributor,
    distributionErrors,
    settle,
    async distribute() {
      await settle();
      const position = await distributor.distribute();
      await reach(position);
      return position;
    },
    async close() {
      await runner.stop();
      db.close();
      await engine.close();
    },
  };
};
