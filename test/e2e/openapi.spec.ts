import { AppProcess, expectStatus, stopAndClean } from '../support/app-process';

/**
 * GET /openapi.json describes every path of the public contract (../shared/spec/contract.md, section 3 and 4)
 * with the status codes the contract gives it. The table is the contract's, copied here so the test does not
 * depend on where shared/ lies: a command answers 200 or 400/403/404/409; a channel event 202 (or the 4xx of
 * an event that cannot be applied); set-up 200 or 400; a query 200, or 404 for an unknown id; /health 200.
 */

const COMMAND = ['200', '400', '403', '404', '409'];
const CONTRACT: [method: string, path: string, statuses: string[]][] = [
  ['put', '/workstreams/{id}', ['200', '400']],
  ['put', '/queues/{id}', ['200', '400']],
  ['put', '/agents/{id}', ['200', '400']],
  ['put', '/agents/{id}/presence', ['200', '400', '404']],
  ...['pick', 'accept', 'reject', 'end', 'close-session', 'release', 'transfer', 'resume', 'resolve', 'messages'].map(
    (command): [string, string, string[]] => ['post', `/conversations/{id}/${command}`, COMMAND],
  ),
  ['post', '/channel-events', ['202', '400', '404', '409']],
  ['get', '/conversations/{id}', ['200', '404']],
  ['get', '/conversations', ['200', '400']],
  ['get', '/conversations/{id}/events', ['200', '404']],
  ['get', '/conversations/{id}/transcript', ['200', '404']],
  ['get', '/agents/{id}/capacity', ['200', '404']],
  ['get', '/queues/{id}/open', ['200', '404']],
  ['get', '/health', ['200']],
  ['post', '/test/clock/advance', ['200']],
];

interface Operation {
  responses: Record<string, unknown>;
  parameters?: { name: string; in: string; schema?: { enum?: string[] } }[];
  requestBody?: unknown;
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let app: AppProcess;
let document: Document;

beforeAll(async () => {
  // With the manual clock, so that its endpoint exists and is described.
  app = await AppProcess.start({ env: { OMNICHANNEL_TEST_CLOCK: 'manual' } });
  document = expectStatus(await app.get<Document>('/openapi.json'), 200);
});

afterAll(() => stopAndClean(app));

/**
 * The operation serving `path`: its own, or a templated one (`/conversations/{id}/{command}`) whose
 * parameter lists the segment among its values.
 */
const operationFor = (method: string, path: string): Operation | undefined => {
  const exact = document.paths[path]?.[method];
  if (exact) return exact;
  const segments = path.split('/');
  for (const [template, operations] of Object.entries(document.paths)) {
    const parts = template.split('/');
    const operation = operations[method];
    if (!operation || parts.length !== segments.length) continue;
    const matches = parts.every((part, i) => {
      if (part === segments[i]) return true;
      const parameter = /^\{(.+)\}$/.exec(part)?.[1];
      if (!parameter || /^\{.+\}$/.test(segments[i])) return false;
      return operation.parameters?.find((p) => p.name === parameter)?.schema?.enum?.includes(segments[i]) ?? false;
    });
    if (matches) return operation;
  }
  return undefined;
};

it('is OpenAPI 3', () => {
  expect(document.openapi).toMatch(/^3\./);
});

it.each(CONTRACT)('%s %s is described with the contract’s status codes', (method, path, statuses) => {
  const operation = operationFor(method, path);
  expect(operation).toBeDefined();
  expect(Object.keys(operation!.responses)).toEqual(expect.arrayContaining(statuses));
});

it('describes request bodies from the DTOs, with their validation rules', () => {
  const schemas = (document as unknown as { components: { schemas: Record<string, any> } }).components.schemas;
  expect(schemas.WorkstreamDto.required).toEqual(
    expect.arrayContaining(['channel', 'distribution', 'capacityUnits', 'wrapUpCapacityBlock']),
  );
  expect(schemas.WorkstreamDto.properties.distribution.enum).toEqual(['push', 'pick']);
  expect(schemas.AgentCommandDto.properties.agentId.pattern).toBeDefined();
  expect(schemas.ChannelEventEnvelopeDto.properties.payload.oneOf.length).toBeGreaterThan(0);
  expect(operationFor('post', '/channel-events')!.requestBody).toBeDefined();
});

it('documents X-Min-Position on the queries', () => {
  for (const [method, path] of CONTRACT.filter(([m, p]) => m === 'get' && p !== '/health')) {
    const headers = operationFor(method, path)!
      .parameters?.filter((p) => p.in === 'header')
      .map((p) => p.name);
    expect(headers).toContain('X-Min-Position');
  }
});

it('describes the operations endpoints and serves a page to browse it', async () => {
  for (const path of ['/live', '/metrics', '/health']) expect(document.paths[path]?.get).toBeDefined();
  const page = await app.request('GET', '/docs');
  expect(page.status).toBe(200);
  expect(String(page.body)).toContain('swagger');
});
