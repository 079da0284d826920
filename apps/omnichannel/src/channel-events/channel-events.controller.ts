import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBody, ApiResponse, ApiTags } from '@nestjs/swagger';
import { ChannelEventEnvelopeDto, parseChannelEvent, toCommand } from '#messaging';
import { ApiErrors, ChannelEventAccepted } from '../http/api-docs';
import { Roles } from '../auth/roles.decorator';
import { invalidInput } from '../http/validation';
import { RunConversationCommand } from '../conversations/conversation.commands';
import { RequestId, sentFrom } from '../observability/served-request';

/** Contract section 1 over HTTP: the same envelope and the same command path as the Kafka gateway. */
@ApiTags('channel events')
@Controller('channel-events')
@Roles('channel')
export class ChannelEventsController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @HttpCode(202)
  @ApiBody({ type: ChannelEventEnvelopeDto })
  @ApiResponse({ status: 202, description: 'durably accepted, or a duplicate', type: ChannelEventAccepted })
  @ApiErrors(400, 403, 404, 409, 503)
  async accept(@Body() body: unknown, @RequestId() requestId: string) {
    const parsed = parseChannelEvent(body);
    if (!parsed.ok) throw invalidInput(parsed.problems);
    const { command, cause } = toCommand(parsed.event);
    const result = await this.bus.execute(sentFrom(new RunConversationCommand(command, cause), requestId));
    return result.duplicate ? { duplicate: true } : { position: result.position };
  }
}
