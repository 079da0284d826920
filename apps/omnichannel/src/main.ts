import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readConfig } from './config';
import { access } from './health/health.controller';
import { validationPipe } from './http/validation';
import { setUpOperations } from './observability/operations';
import { exitOnStartupFailure } from './process/startup-failure';
import { stopWithParent } from './process/stop-with-parent';

async function bootstrap(): Promise<void> {
  const config = readConfig();
  // forceCloseConnections: idle keep-alive connections must not hold a SIGTERM up.
  // bufferLogs: what Nest logs while starting goes to the pino logger once setUpOperations installs it.
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, forceCloseConnections: true });
  setUpOperations(app, config);
  app.useGlobalPipes(validationPipe());
  // Every shutdown signal (the empty list); exit 0 through process.exit once shut down cleanly, which flushes the log.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.port, config.host);
  stopWithParent();
  const { authentication, listening, warning } = access(config);
  new Logger('Access').log(
    `listening on ${listening}:${config.port}; authentication: ${authentication}${warning ? ` (${warning})` : ''}`,
  );
}

bootstrap().catch(exitOnStartupFailure);
