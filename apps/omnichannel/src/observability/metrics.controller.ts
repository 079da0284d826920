import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { Metrics } from './metrics';

@ApiTags('operations')
@Controller('metrics')
// With authentication, the scraper's token needs the admin role (docs/operations.md).
@Roles('admin')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format); docs/operations.md lists them' })
  @ApiOkResponse({ description: 'the metrics', content: { 'text/plain': { schema: { type: 'string' } } } })
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}
