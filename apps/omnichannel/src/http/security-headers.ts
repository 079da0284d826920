import { IncomingMessage, OutgoingHttpHeader, ServerResponse } from 'node:http';
import { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import helmet from 'helmet';

/**
 * Issue 22: the headers that keep a browser from turning the supervisor's page against its user. The page loads
 * only its own bundled script and style sheet and talks only to this service, so the policy allows `'self'` and
 * nothing inline; it may not be framed (clickjacking); no response is sniffed into another type.
 * HSTS is left to whatever terminates TLS in front of the service (it listens on plain HTTP).
 */
/**
 * What helmet does to a response with these options, recorded once: no nonce and no directive depends on the
 * request, so every response gets the same headers, and setting them directly spares the chain of a dozen
 * middlewares helmet runs per request.
 */
function recorded(options: Parameters<typeof helmet>[0]): (response: ServerResponse) => void {
  const set: [string, OutgoingHttpHeader][] = [];
  const removed: string[] = [];
  let failure: unknown;
  const recorder = {
    setHeader: (name: string, value: OutgoingHttpHeader) => set.push([name, value]),
    removeHeader: (name: string) => removed.push(name),
  };
  helmet(options)({} as IncomingMessage, recorder as unknown as ServerResponse, (error?: unknown) => {
    failure = error;
  });
  if (failure !== undefined) throw failure;
  return (response) => {
    for (const [name, value] of set) response.setHeader(name, value);
    for (const name of removed) response.removeHeader(name);
  };
}

const common = {
  strictTransportSecurity: false,
  frameguard: { action: 'deny' as const },
  xPoweredBy: true,
};

const page = recorded({
  ...common,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  },
});

/** Swagger UI (`/docs`, when served) brings inline styles of its own: every header but the CSP. */
const apiDocs = recorded({ ...common, contentSecurityPolicy: false });

export const securityHeaders =
  () =>
  (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    // On the raw response: the dashboard's event stream is written there, past Fastify's reply.
    (isApiDocs(request.url) ? apiDocs : page)(reply.raw);
    done();
  };

const isApiDocs = (url: string): boolean => url.startsWith('/docs') && (url.length === 5 || '/?'.includes(url[5]));
