import { Controller, Get, NotFoundException, Param, Query, Req, Res, UseInterceptors } from '@nestjs/common';
import { Request, Response } from 'express';
import { ReadModels } from '#read-models';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { pageHeaders, pageRequest } from '../http/pagination';
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
  open(
    @Param('id', new IdPipe('id')) id: string,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const page = pageRequest(limit, cursor);
    if (!this.readModels.queueExists(id)) throw new NotFoundException(`queue '${id}' does not exist`);
    const open = this.readModels.openWorkPage(id, page);
    pageHeaders(request, response, open, page.limit);
    return openWorkView(open.items, this.readModels.averageWait(id));
  }
}
