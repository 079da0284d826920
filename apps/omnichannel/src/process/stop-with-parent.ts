/**
 * Started by `npm start` (npm sets npm_lifecycle_event), the service stops when npm is gone: a `kill -9` of npm
 * or a closed terminal must not leave a server holding the port. npm forwards SIGTERM and SIGINT itself; this
 * covers the rest. A service started directly (a container, systemd) is not tied to its parent.
 */
export const stopWithParent = (env: NodeJS.ProcessEnv = process.env, intervalMs = 500): void => {
  if (env.npm_lifecycle_event !== 'start') return;
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watch);
    // The same clean stop as an operator's SIGTERM (enableShutdownHooks).
    process.kill(process.pid, 'SIGTERM');
  }, intervalMs);
  watch.unref();
};
