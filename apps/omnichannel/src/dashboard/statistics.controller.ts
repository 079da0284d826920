import {
  BadRequestException,
  Controller,
  Get,
  Inject,
  MessageEvent,
  Query,
  Sse,
  UseInterceptors,
} from '@nestjs/common';
import { Observable, map } from 'rxjs';
import { Clock } from '#clock';
import { PRESENCES, Presence, STATUS_REASONS } from '#domain';
import { AgentStatisticsQueries, MAX_PAGE, QueueStatisticsQueries, StatusBucket } from '#read-models';
import { ROLES } from '../auth/auth-settings';
import { NeedsPermission, Roles } from '../auth/roles.decorator';
import { CLOCK } from '../tokens';
import { IdPipe } from '../http/id.pipe';
import { MinPositionInterceptor } from '../http/min-position.interceptor';
import { LiveStatistics } from './live-statistics';

const DEFAULT_PAGE = 50;
const STATUS_FILTERS: StatusBucket[] = [...STATUS_REASONS, 'active_not_accepted'];
/** How soon an EventSource reconnects after losing the stream. */
const RECONNECT_MS = 1000;

/**
 * The numbers behind the supervisor's page, for any dashboard (README "Supervisor's live view"). Its own
 * controller so that access to it can be restricted as a whole: to whoever holds the permission `monitor`.
 */
@Controller()
@Roles(...ROLES)
@NeedsPermission('monitor')
@UseInterceptors(MinPositionInterceptor)
export class StatisticsController {
  constructor(
    private readonly statistics: QueueStatisticsQueries,
    private readonly agentStatistics: AgentStatisticsQueries,
    private readonly live: LiveStatistics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('statistics/queues')
  queues() {
    const at = this.clock.now();
    return { at, queues: this.statistics.queues(at) };
  }

  @Get('statistics/queues/history')
  history() {
    const at = this.clock.now();
    return { at, ...this.statistics.queueHistory(at) };
  }

  @Get('statistics/conversations')
  conversationCounts() {
    return { at: this.clock.now(), ...this.statistics.conversationCounts() };
  }

  @Get('statistics/agents')
  agents(
    @Query('presence') presence?: string,
    @Query('limit') limit?: string,
    @Query('cursor', new IdPipe('cursor', true)) cursor?: string,
  ) {
    if (presence !== undefined && !PRESENCES.includes(presence as Presence))
      throw new BadRequestException({ message: `presence must be one of ${PRESENCES.join(', ')}`, field: 'presence' });
    const at = this.clock.now();
    return {
      at,
      byPresence: this.agentStatistics.presenceCounts(),
      ...this.agentStatistics.agents(at, {
        presence: presence as Presence | undefined,
        limit: pageSize(limit),
        cursor,
      }),
    };
  }

  /** Like `GET /conversations`, a page at a time, newest first; `active_not_accepted` filters offers apart. */
  @Get('statistics/conversations/list')
  conversations(
    @Query('statusReason') statusReason?: string,
    @Query('queueId', new IdPipe('queueId', true)) queueId?: string,
    @Query('agentId', new IdPipe('agentId', true)) agentId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    if (statusReason !== undefined && !STATUS_FILTERS.includes(statusReason as StatusBucket)) {
      throw new BadRequestException({
        message: `statusReason must be one of ${STATUS_FILTERS.join(', ')}`,
        field: 'statusReason',
      });
    }
    if (cursor !== undefined && !/^[1-9]\d{0,15}$/.test(cursor))
      throw new BadRequestException({ message: 'cursor must be a nextCursor this endpoint answered', field: 'cursor' });
    return this.statistics.conversations({
      statusReason: statusReason as StatusBucket | undefined,
      queueId,
      agentId,
      limit: pageSize(limit),
      cursor,
    });
  }

  /** Server-Sent Events: the figures now, then an update whenever the read models change (at most 1/s). */
  @Sse('statistics/stream')
  stream(): Observable<MessageEvent> {
    return this.live.updates().pipe(map((data) => ({ data, retry: RECONNECT_MS })));
  }
}

const pageSize = (limit: string | undefined): number => {
  if (limit === undefined) return DEFAULT_PAGE;
  const n = Number(limit);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE)
    throw new BadRequestException({ message: `limit must be an integer from 1 to ${MAX_PAGE}`, field: 'limit' });
  return n;
};
