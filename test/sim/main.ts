/**
 * `npm run sim -- --seed N --steps M [--seeds K] [--reuse-event-ids] [--quiet]`: runs the deterministic
 * simulation (docs/simulation.md) for seeds N, N+1, … N+K-1; on a failure prints the seed, the step and the
 * one-line command that replays it, and exits 1.
 */
import { replayCommand, runSeed } from './run';

const args = process.argv.slice(2);
const value = (name: string, fallback: number): number => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const seed = value('seed', Date.now() % 1_000_000);
const steps = value('steps', 500);
const seeds = value('seeds', 1);
const reuseEventIds = args.includes('--reuse-event-ids');
const quiet = args.includes('--quiet');

const main = async () => {
  for (let s = seed; s < seed + seeds; s++) {
    const outcome = await runSeed(s, steps, {
      reuseEventIds,
      log: quiet ? undefined : (line) => console.log(line),
    });
    console.log(`seed ${s}: ${outcome.summary}`);
    if (outcome.failure) {
      console.log(`FAILED seed ${s} at step ${outcome.failure.step}: ${outcome.failure.violations[0].invariant}`);
      console.log(`replay: ${replayCommand(s, outcome.failure.step, { reuseEventIds })}`);
      process.exitCode = 1;
      return;
    }
  }
};

void main();
