import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { AgentDto } from '../setup/agent.dto';
import { validationPipe } from './validation';

const body = (value: unknown) => validationPipe().transform(value, { type: 'body', metatype: AgentDto });

describe('a body missing a required field', () => {
  it('is a 400 that says the field is required, before anything about its range', async () => {
    const error = await body({ name: 'Ann', queueIds: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestException);
    expect((error as BadRequestException).getResponse()).toEqual({
      message: 'capacityUnits is required',
      fields: [{ field: 'capacityUnits', reason: 'is required' }],
    });
  });

  it('names every missing field, and the others with their reasons', async () => {
    const error = (await body({ capacityUnits: 2000 }).catch((e: unknown) => e)) as BadRequestException;
    expect(error.getResponse()).toMatchObject({
      message: 'name is required; capacityUnits must not be greater than 1000; queueIds is required',
    });
  });
});
