import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { Config } from '../config';
import { crossSiteGuard } from '../http/cross-site';
import { securityHeaders } from '../http/security-headers';
import { serveOpenApi } from '../http/openapi';
import { HttpObserver } from './http-observer';

/** What main.ts adds to the app beyond its modules: the pino logger, HTTP timing, the OpenAPI description (unless
 * authentication is on and OMNICHANNEL_PUBLIC_API_DOCS is not `true`). */
export const setUpOperations = (app: INestApplication, config: Config): void => {
  app.useLogger(app.get(Logger));
  (app as NestExpressApplication).disable('x-powered-by');
  app.use(securityHeaders());
  app.use(app.get(HttpObserver).middleware);
  // Before the body parsers and every route, the static page and the API docs included.
  app.use(
    crossSiteGuard({
      authenticated: config.auth !== undefined,
      allowedHosts: config.allowedHosts,
      allowedOrigins: config.allowedOrigins,
    }),
  );
  if (config.serveApiDocs) serveOpenApi(app);
};
