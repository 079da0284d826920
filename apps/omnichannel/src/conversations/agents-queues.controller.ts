import { Controller, Get, NotFoundException, Param, UseInterceptors } from '@nestjs/common';
import { ReadModels } from '#read-models';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { openWorkView } from './open-work';

@Controller()
@UseInterceptors(MinPositionInterceptor)
export class AgentsAndQueuesController {
  constructor(private readonly readModels: ReadModels) {}

  @Get('agents/:id/capacity')
  capacity(@Param('id', new IdPipe('id')) id: string) {
    const capacity = this.readModels.capacity(id);
    if (!capacity) throw new NotFoundException(`agent '${id}' does not exist`);
    return capacity;
  }

  @Get('queues/:id/open')
  open(@Param('id', new IdPipe('id')) id: string) {
    if (!this.readModels.queueExists(id)) throw new NotFoundException(`queue '${id}' does not exist`);
    return openWorkView(this.readModels.openWork(id), this.readModels.averageWait(id));
  }
}
