import { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { serveOpenApi } from '../http/openapi';
import { HttpObserver } from './http-observer';

/** What main.ts adds to the app beyond its modules: the pino logger, HTTP timing, the OpenAPI description. */
export const setUpOperations = (app: INestApplication): void => {
  app.useLogger(app.get(Logger));
  app.use(app.get(HttpObserver).middleware);
  serveOpenApi(app);
};
