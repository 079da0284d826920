import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readConfig } from './config';
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
  await app.listen(config.port);
}

void bootstrap();
