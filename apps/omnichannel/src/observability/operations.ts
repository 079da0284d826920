import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger, Params, PARAMS_PROVIDER_TOKEN } from 'nestjs-pino';
import { Config } from '../config';
import { crossSiteGuard } from '../http/cross-site';
import { securityHeaders } from '../http/security-headers';
import { serveOpenApi } from '../http/openapi';
import { HttpObserver } from './http-observer';
import { serviceLogger } from './logging';
import { requestLog } from './request-log';

/**
 * What main.ts adds to the app beyond its modules: the pino logger, the request log, HTTP timing, the OpenAPI
 * description (unless authentication is on and OMNICHANNEL_PUBLIC_API_DOCS is not `true`). Fastify hooks, not Nest
 * middleware (issue 23): onRequest hooks run before the body is read and before every route, 404s included.
 */
export const setUpOperations = (app: NestFastifyApplication, config: Config): void => {
  app.useLogger(app.get(Logger));
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', securityHeaders());
  fastify.addHook('onRequest', requestLog(serviceLogger(app.get<Params>(PARAMS_PROVIDER_TOKEN))));
  fastify.addHook('onRequest', app.get(HttpObserver).onRequest);
  // Before the body is read and every route, the static page and the API docs included.
  fastify.addHook(
    'onRequest',
    crossSiteGuard({
      authenticated: config.auth !== undefined,
      allowedHosts: config.allowedHosts,
      allowedOrigins: config.allowedOrigins,
    }),
  );
  if (config.serveApiDocs) serveOpenApi(app);
};
