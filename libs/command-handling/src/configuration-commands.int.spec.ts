import { Workstream, WorkstreamEvent, evolveWorkstream, streams } from '#domain';
import { OPERATOR, TestEngine, startEngine, workstream } from './testing/engine';

describe('a configuration write on the embedded store, where cached streams are served without a read', () => {
  let engine: TestEngine;

  beforeEach(() => (engine = startEngine(undefined, 'configuration-')));
  afterEach(() => engine.close());

  it('is what the next command loads, not the cached state before it', async () => {
    const load = async () =>
      (await engine.cache.load<Workstream, WorkstreamEvent>(streams.workstream('ws'), evolveWorkstream)).state;
    await engine.config.configureWorkstream('ws', workstream({ channel: 'sms', capacityUnits: 1 }), OPERATOR);
    expect(await load()).toMatchObject({ capacityUnits: 1 });

    await engine.config.configureWorkstream('ws', workstream({ channel: 'sms', capacityUnits: 3 }), OPERATOR);
    expect(await load()).toMatchObject({ capacityUnits: 3 });
  });
});
