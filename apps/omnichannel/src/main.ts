import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readConfig } from './config';
import { validationPipe } from './http/validation';
import { setUpOperations } from './observability/operations';

async function bootstrap(): Promise<void> {
  const config = readConfig();
  // forceCloseConnections: idle keep-alive connections must not hold a SIGTERM up.
  // bufferLogs: what Nest logs while starting goes to the pino logger once setUpOperations installs it.
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, forceCloseConnections: true });
  setUpOperations(app);
  app.useGlobalPipes(validationPipe());
  // Every shutdown signal (the empty list); exit 0 through process.exit once shut down cleanly, which flushes the log.
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.listen(config.port);
}

void bootstrap();
