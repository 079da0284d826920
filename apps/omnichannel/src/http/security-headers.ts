import { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';

/**
 * Issue 22: the headers that keep a browser from turning the supervisor's page against its user. The page loads
 * only its own bundled script and style sheet and talks only to this service, so the policy allows `'self'` and
 * nothing inline; it may not be framed (clickjacking); no response is sniffed into another type.
 * HSTS is left to whatever terminates TLS in front of the service (it listens on plain HTTP).
 */
const common = {
  strictTransportSecurity: false,
  frameguard: { action: 'deny' as const },
  xPoweredBy: true,
};

const page = helmet({
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
const apiDocs = helmet({ ...common, contentSecurityPolicy: false });

export const securityHeaders =
  () =>
  (request: Request, response: Response, next: NextFunction): void =>
    (request.path === '/docs' || request.path.startsWith('/docs/') ? apiDocs : page)(request, response, next);
