import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { readConfig } from './config';
import { validationPipe } from './http/validation';

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const app = await NestFactory.create(AppModule.forRoot(config), { logger: ['error', 'warn', 'log'] });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  await app.listen(config.port);
}

void bootstrap();
