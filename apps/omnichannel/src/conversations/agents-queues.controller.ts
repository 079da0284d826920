import { Controller, Get, NotFoundException, Param, UseInterceptors } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ReadModels } from '#read-models';
import { ApiErrors, ApiQuery200, CapacityView, OpenConversationView } from '../http/api-docs';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { openWorkView } from './open-work';

@ApiTags('agents and queues')
@Controller()
@UseInterceptors(MinPositionInterceptor)
export class AgentsAndQueuesController {
  constructor(private readonly readModels: ReadModels) {}

  @Get('agents/:id/capacity')
  @ApiQuery200('the agent’s capacity and what holds it', CapacityView)
  @ApiErrors(404)
  capacity(@Param('id', new IdPipe('id')) id: string) {
    const capacity = this.readModels.capacity(id);
    if (!capacity) throw new NotFoundException(`agent '${id}' does not exist`);
    return capacity;
  }

  @Get('queues/:id/open')
  @ApiQuery200('the open conversations in arrival order', [OpenConversationView])
  @ApiErrors(404)
  open(@Param('id', new IdPipe('id')) id: string) {
    if (!this.readModels.queueExists(id)) throw new NotFoundException(`queue '${id}' does not exist`);
    return openWorkView(this.readModels.openWork(id), this.readModels.averageWait(id));
  }
}
