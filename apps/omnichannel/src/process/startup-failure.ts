/**
 * Why a start failed, in one line for the person who ran it, or undefined when it is not an operator's matter
 * (then the stack is what a developer needs). A port already taken is the common case: another service, or an
 * instance of this one still running.
 */
export const startupFailureLine = (error: unknown): string | undefined => {
  const e = error as Partial<NodeJS.ErrnoException> & { address?: string; port?: number };
  const where = `${e.address}:${e.port}`;
  if (e.code === 'EADDRINUSE')
    return `cannot listen on ${where}: port ${e.port} is already in use (another process holds it; stop it or set PORT)`;
  if (e.code === 'EACCES') return `cannot listen on ${where}: permission denied for port ${e.port} (set PORT)`;
  if (e.code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such interface (check OMNICHANNEL_LISTEN_HOST)`;
  return undefined;
};

/** Ends a failed start: the line (or the stack) on stderr, exit code 1. */
export const exitOnStartupFailure = (error: unknown): never => {
  process.stderr.write(`${startupFailureLine(error) ?? (error instanceof Error ? error.stack : String(error))}\n`);
  process.exit(1);
};
