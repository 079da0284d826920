import { Module } from '@nestjs/common';
import { LiveStatistics } from './live-statistics';
import { PageController } from './page.controller';
import { StatisticsController } from './statistics.controller';

/** The supervisor's live view: the page, the statistics as JSON and their live stream. */
@Module({
  controllers: [PageController, StatisticsController],
  providers: [LiveStatistics],
})
export class DashboardModule {}
