import { DomainError } from '#domain';
import { OPERATOR, TestEngine, signIn, startEngine, workstream } from './testing/engine';

/**
 * A deadline that passed before its timer fired (the service was down, a tick was late) still happened
 * first: a command arriving after it is decided on the state the deadline left.
 */
describe('overdue deadlines are decided before the command that comes after them', () => {
  let engine: TestEngine;

  beforeEach(async () => {
    engine = startEngine();
    await engine.config.configureQueue('q1', 'Queue', OPERATOR);
    await engine.config.configureWorkstream(
      'ws',
      workstream({
        channel: 'sms',
        distribution: 'pick',
        waitingInactivityTimeoutSeconds: 600,
        offerTimeoutSeconds: 30,
      }),
      OPERATOR,
    );
    await signIn(engine, 'a1', 3, ['q1']);
    await engine.send({
      type: 'request',
      conversationId: 'c1',
      channel: 'sms',
      workstreamId: 'ws',
      queueId: 'q1',
      customer: { id: 'cu', authenticated: true },
    });
  });

  afterEach(() => engine.close());

  it('a customer writing after the inactivity timeout finds the conversation closed (T15 before T17)', async () => {
    await engine.send({ type: 'pick', conversationId: 'c1', agentId: 'a1' });
    await engine.send({ type: 'closeSession', conversationId: 'c1', agentId: 'a1' });
    engine.clock.advance(601);
    const refused = engine.send({ type: 'customerMessage', conversationId: 'c1', text: 'hello?' });
    await expect(refused).rejects.toMatchObject({ kind: 'not_allowed', statusReason: 'closed' });
    await expect(refused).rejects.toBeInstanceOf(DomainError);
    const types = (await engine.store.readStream('conversation-c1')).map((e) => [e.type, e.metadata.actor]);
    expect(types.slice(-1)).toEqual([['conversation.closed', { kind: 'system', id: 'timer' }]]);
  });

  it('a customer writing within the timeout brings it back (T17)', async () => {
    await engine.send({ type: 'pick', conversationId: 'c1', agentId: 'a1' });
    await engine.send({ type: 'closeSession', conversationId: 'c1', agentId: 'a1' });
    engine.clock.advance(599);
    expect((await engine.send({ type: 'customerMessage', conversationId: 'c1', text: 'hello?' })).statusReason).toBe(
      'open',
    );
  });

  it('an offer accepted after it expired is refused: the offer went back to open first', async () => {
    await engine.send({ type: 'assign', conversationId: 'c1', agentId: 'a1' });
    engine.clock.advance(31);
    await expect(engine.send({ type: 'accept', conversationId: 'c1', agentId: 'a1' })).rejects.toMatchObject({
      kind: 'not_allowed',
      statusReason: 'open',
    });
  });
});
