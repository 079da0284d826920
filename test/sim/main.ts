/**
 * `npm run sim -- --seed N --steps M [--seeds K] [--reuse-event-ids] [--quiet] [--shrink]`, or `--trace file.json`: runs the deterministic
 * simulation (docs/simulation.md) for seeds N, N+1, … N+K-1; on a failure prints the seed, the step and the
 * one-line command that replays it, and exits 1; `--shrink` then prints a shorter trace that still fails.
 */
import { Step, StepKind, stepsFor } from './simulation';
import { readFileSync } from 'node:fs';
import { replayCommand, runSeed, runSteps, shrink } from './run';

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
const shrinking = args.includes('--shrink');

const traceAt = args.indexOf('--trace');

const main = async () => {
  if (traceAt >= 0) {
    // A list of [kind, seed] pairs (as in test/sim/traces, or --shrink's output as {kind, seed} objects).
    const trace = JSON.parse(readFileSync(args[traceAt + 1], 'utf8')) as ([StepKind, number] | Step)[];
    const steps = trace.map((s) => (Array.isArray(s) ? { kind: s[0], seed: s[1] } : s));
    const outcome = await runSteps(steps, { reuseEventIds, log: quiet ? undefined : (line) => console.log(line) });
    console.log(`trace: ${outcome.summary}`);
    if (outcome.failure) {
      console.log(`FAILED trace at step ${outcome.failure.step}: ${outcome.failure.violations[0].invariant}`);
      process.exitCode = 1;
    }
    return;
  }
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
      if (shrinking) {
        const { step, violations } = outcome.failure;
        const steps = await shrink(stepsFor(s, step), violations[0].invariant, { reuseEventIds });
        console.log(`shrunk to ${steps.length} steps (a regression test's trace): ${JSON.stringify(steps)}`);
      }
      return;
    }
  }
};

void main();
