import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import fastify, { FastifyInstance } from 'fastify';
import pino from 'pino';
import { REDACTED } from './logging';
import { requestId, requestLog } from './request-log';

interface Line {
  level: number;
  msg: string;
  reqId?: string;
  req?: { id: string; method: string; url: string };
  res?: { statusCode: number };
  responseTime?: number;
  err?: { message: string };
}

/** Issue 23: the request lines pino-http wrote, from a hook of our own. */
describe('request log', () => {
  let server: FastifyInstance;
  let base: string;
  const lines: Line[] = [];
  const waiting: [(line: Line) => boolean, (line: Line) => void][] = [];
  /** The first line written that matches, now or once it is written (the line follows the response). */
  const line = (match: (line: Line) => boolean) =>
    new Promise<Line>((resolve) => {
      const found = lines.find(match);
      if (found) resolve(found);
      else waiting.push([match, resolve]);
    });

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        const written = JSON.parse(String(chunk)) as Line;
        lines.push(written);
        for (const [match, resolve] of waiting) if (match(written)) resolve(written);
        done();
      },
    });
    const logger = pino({ level: 'debug' }, sink);
    server = fastify({ genReqId: requestId });
    server.addHook('onRequest', requestLog(logger));
    server.get('/ok', async () => ({ ok: true }));
    server.get('/refused', async (_request, reply) => reply.code(404).send({ statusCode: 404 }));
    server.get('/failed', async (_request, reply) => reply.code(503).send({ statusCode: 503 }));
    await server.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  });
  afterAll(() => server.close());

  it('answers with the caller’s X-Request-Id, and logs a success at debug with it', async () => {
    const response = await fetch(`${base}/ok`, { headers: { 'x-request-id': 'caller-7' } });
    expect(response.headers.get('x-request-id')).toBe('caller-7');
    const logged = await line((l) => l.msg === 'request completed' && l.reqId === 'caller-7');
    expect(logged).toMatchObject({
      level: 20,
      req: { id: 'caller-7', method: 'GET', url: '/ok' },
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
  });

  it('makes up an id when the caller gives none (or an unusable one)', async () => {
    const response = await fetch(`${base}/ok`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a 4xx at info and a 5xx at error, as "request errored" with the status', async () => {
    const refused = await fetch(`${base}/refused`);
    const refusedId = refused.headers.get('x-request-id');
    expect(await line((l) => l.reqId === refusedId && l.msg === 'request completed')).toMatchObject({
      level: 30,
      res: { statusCode: 404 },
    });
    const failed = await fetch(`${base}/failed`);
    const failedId = failed.headers.get('x-request-id');
    expect(await line((l) => l.reqId === failedId && l.res !== undefined)).toMatchObject({
      level: 50,
      msg: 'request errored',
      res: { statusCode: 503 },
      err: { message: 'failed with status code 503' },
    });
  });

  it('never logs a credential sent in the URL', async () => {
    const token = 'eyJhbGciOi.eyJzdWIi.sig';
    const response = await fetch(`${base}/ok?access_token=${token}&limit=5`);
    const id = response.headers.get('x-request-id');
    expect((await line((l) => l.reqId === id && l.req !== undefined)).req!.url).toBe(
      `/ok?access_token=${REDACTED}&limit=5`,
    );
    expect(JSON.stringify(lines)).not.toContain(token);
  });
});
