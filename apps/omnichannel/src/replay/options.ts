import { parseArgs } from 'node:util';
import { StoredEvent } from '#event-store';

export interface ReplayOptions {
  conversation?: string;
  until?: (event: StoredEvent) => boolean;
  untilLabel?: string;
  json: boolean;
  /** `--help`: print the usage and exit 0. */
  help: boolean;
}

export const USAGE = `usage: npm run replay -- [--conversation ID] [--until POSITION|ISO-TIME] [--json] [--help]
  (no option)        rebuild every read model from the store in a fresh place and compare with the live ones
  --conversation ID  print one conversation's full history: every event with its actor and cause
  --until P|T        print the state of every conversation and agent as it was at store position P or time T
  --json             machine-readable output for --conversation and --until
  OMNICHANNEL_DATA_DIR, EVENTSTORE_CONNECTION_STRING: the store to read, as for npm start`;

export const parseReplayOptions = (argv: string[]): ReplayOptions => {
  const { values } = parseArgs({
    args: argv,
    options: {
      conversation: { type: 'string' },
      until: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  return {
    conversation: values.conversation,
    json: values.json ?? false,
    help: values.help ?? false,
    ...(values.until ? until(values.until) : {}),
  };
};

/** A number is a store position; anything else must be an ISO time, compared with the event's decision time. */
const until = (value: string): Pick<ReplayOptions, 'until' | 'untilLabel'> => {
  if (/^\d+$/.test(value)) {
    const position = Number(value);
    return { until: (e) => e.position <= position, untilLabel: `position ${position}` };
  }
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new Error(`--until must be a store position or an ISO-8601 time, not '${value}'`);
  return {
    until: (e) => Date.parse((e.metadata.at as string) ?? e.recordedAt) <= time,
    untilLabel: new Date(time).toISOString(),
  };
};
