import { SimOptions, SimResult, Simulation, Step, stepsFor } from './simulation';

export const runSteps = (steps: Step[], options: SimOptions = {}): Promise<SimResult> =>
  new Simulation(options).run(steps);

/** One seed's run: `steps` steps chosen by `seed`. */
export const runSeed = (seed: number, steps: number, options: SimOptions = {}): Promise<SimResult> =>
  runSteps(stepsFor(seed, steps), options);

/** The one line that replays a run exactly (up to its failing step). */
export const replayCommand = (seed: number, steps: number, options: Pick<SimOptions, 'reuseEventIds'> = {}): string =>
  `npm run sim -- --seed ${seed} --steps ${steps}${options.reuseEventIds ? ' --reuse-event-ids' : ''}`;

/**
 * A shorter trace that still breaks the same invariant: removes chunks of steps (halves, then smaller) while the
 * failure stays. Each step keeps its own seed, so what remains means the same thing.
 */
export const shrink = async (steps: Step[], invariant: string, options: SimOptions = {}): Promise<Step[]> => {
  const fails = async (candidate: Step[]) =>
    (await runSteps(candidate, { ...options, log: undefined })).failure?.violations.some(
      (v) => v.invariant === invariant,
    ) ?? false;
  let current = steps;
  for (let chunk = Math.ceil(current.length / 2); chunk >= 1; chunk = Math.floor(chunk / 2)) {
    for (let at = current.length - chunk; at >= 0; at -= chunk) {
      const candidate = [...current.slice(0, at), ...current.slice(at + chunk)];
      if (candidate.length > 0 && (await fails(candidate))) current = candidate;
    }
  }
  return current;
};
