import { Admin, Kafka } from 'kafkajs';
import { AppProcess, expectStatus, pollUntil, stopAndClean } from '../support/app-process';
import { command, scenario, startConversation } from '../support/fixtures';
import { TopicReader, ensureServiceTopics, sockets, startKafkaApp, testKafka } from './kafka-harness';

/**
 * Issue 21 on a real broker (`npm run build` first): the conversation event of a supervisor's force-close says,
 * on omnichannel.conversation-events.v1, that a supervisor closed it and why, and the capacity released with it.
 */

let kafka: Kafka;
let admin: Admin;
let reader: TopicReader;
let app: AppProcess;

beforeAll(async () => {
  kafka = testKafka('omnichannel-supervisor-tests');
  admin = kafka.admin();
  await admin.connect();
  await ensureServiceTopics(admin);
  reader = await TopicReader.start(kafka, admin);
  app = await startKafkaApp(admin, 'supervisor');
}, 90_000);

afterAll(async () => {
  await stopAndClean(app);
  await reader?.stop();
  await admin?.disconnect();
  sockets.destroyAll();
}, 60_000);

it('a force-close goes out naming the supervisor, the reason and the status reason closed', async () => {
  const s = await scenario(app);
  const [agent] = s.agentIds;
  const { conversationId } = await startConversation(app, s);
  await command(app, conversationId, 'pick', agent);
  const closed = expectStatus(
    await app.post(`/supervisor/conversations/${conversationId}/force-close`, {
      supervisorId: 'sup-7',
      reason: 'customer asked for it by phone',
    }),
    200,
  );
  expect(closed.statusReason).toBe('closed');

  const record = await pollUntil(
    'the force-close on the conversation events topic',
    () => reader.conversationEvents(conversationId).find((r) => r.type === 'conversation.closed'),
    { timeoutMs: 30_000 },
  );
  expect(record).toMatchObject({
    conversationId,
    statusReason: 'closed',
    actor: { kind: 'agent', id: 'sup-7', role: 'supervisor' },
    data: {
      conversationId,
      reason: 'force_closed',
      supervisor: { supervisorId: 'sup-7', reason: 'customer asked for it by phone' },
    },
  });
  const release = await pollUntil(
    'the capacity released with it',
    () => reader.conversationEvents(conversationId).find((r) => r.type === 'agent.capacity_released'),
    { timeoutMs: 30_000 },
  );
  expect(release).toMatchObject({ data: { agentId: agent, reason: 'force_closed' } });
  expect(release.position).toBeGreaterThan(record.position);
}, 90_000);
