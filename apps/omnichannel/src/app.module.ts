import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AuthGuard } from './auth/auth.guard';
import { ChannelEventsController } from './channel-events/channel-events.controller';
import { Config } from './config';
import { AgentsAndQueuesController } from './conversations/agents-queues.controller';
import { RunConversationCommandHandler } from './conversations/conversation.handlers';
import { ConversationsController } from './conversations/conversations.controller';
import { DashboardModule } from './dashboard/dashboard.module';
import { EngineModule } from './engine/engine.module';
import { Startup } from './engine/startup';
import { HealthController } from './health/health.controller';
import { LiveController } from './health/live.controller';
import { InstancesModule } from './instances/instances.module';
import { KafkaModule } from './kafka/kafka.module';
import { Readiness } from './health/readiness';
import { ErrorFilter } from './http/error-filter';
import { MinPositionInterceptor } from './http/min-position.interceptor';
import { EngineGauges } from './observability/engine-gauges';
import { GracefulShutdown } from './observability/graceful-shutdown';
import { loggerParams } from './observability/logging';
import { MetricsController } from './observability/metrics.controller';
import { ObservabilityModule } from './observability/observability.module';
import { observedCqrsModule } from './observability/observed-command-bus';
import { SchedulingModule } from './scheduling/scheduling.module';
import { ConfigureQueueHandler, ConfigureWorkstreamHandler, RunAgentCommandHandler } from './setup/setup.handlers';
import { SetupController } from './setup/setup.controller';
import { SignOut } from './setup/sign-out';
import { SupervisorController } from './supervisor/supervisor.controller';
import { TestClockController } from './test-clock/test-clock.controller';

@Module({})
export class AppModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: AppModule,
      // Contract section 5: Kafka in and out only when KAFKA_BROKERS is set.
      imports: [
        LoggerModule.forRoot(loggerParams(config)),
        observedCqrsModule(),
        ObservabilityModule,
        EngineModule.forRoot(config),
        InstancesModule,
        SchedulingModule,
        DashboardModule,
        ...(config.kafkaBrokers?.length ? [KafkaModule] : []),
      ],
      controllers: [
        SetupController,
        ConversationsController,
        AgentsAndQueuesController,
        SupervisorController,
        ChannelEventsController,
        HealthController,
        LiveController,
        MetricsController,
        // Contract section 4: the endpoint exists only with the manual clock.
        ...(config.manualClockStart ? [TestClockController] : []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ErrorFilter },
        // Issue 11: every route is checked; see auth/roles.decorator.ts for how a controller declares its roles.
        { provide: APP_GUARD, useClass: AuthGuard },
        Readiness,
        Startup,
        // Root-module providers: their shutdown hook runs before any imported module's.
        GracefulShutdown,
        EngineGauges,
        MinPositionInterceptor,
        RunConversationCommandHandler,
        ConfigureWorkstreamHandler,
        ConfigureQueueHandler,
        RunAgentCommandHandler,
        SignOut,
      ],
    };
  }
}
