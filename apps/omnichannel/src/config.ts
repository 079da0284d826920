/** Contract section 5: everything the service reads from its environment. */
export interface Config {
  port: number;
  dataDir: string;
  eventStoreConnectionString?: string;
  kafkaBrokers?: string[];
  /** Set only when OMNICHANNEL_TEST_CLOCK=manual. */
  manualClockStart?: string;
}

export const readConfig = (env: NodeJS.ProcessEnv = process.env): Config => {
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number, not '${env.PORT}'`);
  const manual = env.OMNICHANNEL_TEST_CLOCK === 'manual';
  const start = env.OMNICHANNEL_TEST_CLOCK_START;
  if (manual && start && Number.isNaN(Date.parse(start))) {
    throw new Error(`OMNICHANNEL_TEST_CLOCK_START must be an ISO-8601 time, not '${start}'`);
  }
  return {
    port,
    dataDir: env.OMNICHANNEL_DATA_DIR || './data',
    eventStoreConnectionString: env.EVENTSTORE_CONNECTION_STRING || undefined,
    kafkaBrokers: env.KAFKA_BROKERS
      ? env.KAFKA_BROKERS.split(',')
          .map((b) => b.trim())
          .filter(Boolean)
      : undefined,
    manualClockStart: manual ? new Date(start ? Date.parse(start) : Date.now()).toISOString() : undefined,
  };
};
