import { Global, Module } from '@nestjs/common';
import { InstanceOwnership } from './instance-ownership';

/** This instance's identity and share of the work partitions: read by scheduling, Kafka and /health. */
@Global()
@Module({ providers: [InstanceOwnership], exports: [InstanceOwnership] })
export class InstancesModule {}
