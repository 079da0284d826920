import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readConfig } from './config';
import { access } from './health/health.controller';
import { validationPipe } from './http/validation';

async function bootstrap(): Promise<void> {
  const config = readConfig();
  // forceCloseConnections: idle keep-alive connections must not hold a SIGTERM up.
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: ['error', 'warn', 'log'],
    forceCloseConnections: true,
  });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  const { authentication, listening, warning } = access(config);
  new Logger('Access').log(
    `listening on ${listening}:${config.port}; authentication: ${authentication}${warning ? ` (${warning})` : ''}`,
  );
}

void bootstrap();
