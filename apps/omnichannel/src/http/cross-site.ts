import { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/**
 * Issue 22: no web page a user visits can drive the service.
 *
 * - Commands (every POST, PUT, PATCH, DELETE) take JSON only: a form or `text/plain` body — what a page may send
 *   to another site without asking — is a 415. A JSON body from another origin needs a CORS preflight, which the
 *   service never grants.
 * - Without authentication (loopback), a request whose `Host` is not loopback or configured is refused (DNS
 *   rebinding: a foreign name resolving to 127.0.0.1), and so is one whose `Origin` is not the service's own or a
 *   configured one, the way development servers and Jupyter protect themselves. With authentication the bearer
 *   token, which a browser never adds by itself, is the protection.
 */
export interface CrossSiteSettings {
  /** Authentication is on: Host and Origin are not checked. */
  authenticated: boolean;
  /** Host names (without port) accepted beside loopback: OMNICHANNEL_ALLOWED_HOSTS. */
  allowedHosts: readonly string[];
  /** Origins (`scheme://host[:port]`) accepted beside the service's own: OMNICHANNEL_ALLOWED_ORIGINS. */
  allowedOrigins: readonly string[];
}

const COMMAND_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Probes carry the address they were sent to (a pod's IP) as Host; what they answer is the process's state. */
const PROBES = new Set(['/health', '/live']);

export const crossSiteGuard = (settings: CrossSiteSettings) => {
  const hosts = new Set(settings.allowedHosts.map((h) => h.toLowerCase()));
  const origins = new Set(settings.allowedOrigins.map((o) => o.toLowerCase()));
  // A Fastify onRequest hook: it answers a refusal itself, before the body is read, and the route is not run.
  return (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const refuse = (statusCode: 403 | 415, message: string) => {
      void reply.code(statusCode).send({
        statusCode,
        error: statusCode === 415 ? 'Unsupported Media Type' : 'Forbidden',
        message,
      });
    };
    if (!settings.authenticated) {
      const host = request.headers.host;
      const isProbe = request.method === 'GET' && PROBES.has(pathOf(request.url));
      if (!isProbe && !(host !== undefined && (isLoopbackHost(host) || hosts.has(hostName(host))))) {
        return refuse(
          403,
          `the Host header '${host ?? ''}' is not this service's: without authentication only loopback ` +
            '(localhost, 127.0.0.1, [::1]) and the names in OMNICHANNEL_ALLOWED_HOSTS are served',
        );
      }
      const origin = request.headers.origin;
      if (origin !== undefined && !sameOrigin(origin, host!) && !origins.has(origin.toLowerCase())) {
        return refuse(
          403,
          `requests from the web page at '${origin}' are refused: without authentication only the service's own ` +
            'page and the origins in OMNICHANNEL_ALLOWED_ORIGINS may call it',
        );
      }
    }
    if (COMMAND_METHODS.has(request.method) && !isJson(request.headers['content-type'])) {
      return refuse(
        415,
        `commands take a JSON body: send Content-Type: application/json, not '${request.headers['content-type'] ?? 'none'}'`,
      );
    }
    done();
  };
};

const pathOf = (url: string): string => {
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
};

/** `127.0.0.1:3000` → `127.0.0.1`, `[::1]:3000` → `[::1]`, `Localhost.` → `localhost`. */
const hostName = (host: string): string => {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d*$/, '');
  return name.toLowerCase().replace(/\.$/, '');
};

const isLoopbackHost = (host: string): boolean => {
  const name = hostName(host);
  return name === 'localhost' || name === '[::1]' || /^127(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/.test(name);
};

/** The page the service serves itself: its Origin is `http://` (or `https://`, behind a proxy) and the Host. */
const sameOrigin = (origin: string, host: string): boolean => {
  const lower = origin.toLowerCase();
  const h = host.toLowerCase();
  return lower === `http://${h}` || lower === `https://${h}`;
};

/** `application/json`, with or without parameters (`; charset=utf-8`), or a `+json` type. */
const isJson = (contentType: string | undefined): boolean =>
  contentType !== undefined && /^application\/([\w.-]+\+)?json\s*(;|$)/i.test(contentType.trim());
