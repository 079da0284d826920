import { RebuildProgress } from '#read-models';

export interface ProgressOutput {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/** Plain lines at most this often when the output is not a terminal (a log file should not fill up). */
const PLAIN_EVERY_SECONDS = 1;
const BAR_WIDTH = 30;

/**
 * Replay's progress: on a terminal a bar redrawn in place with the rate and the time left; otherwise plain
 * lines, one a second. The time left assumes positions up to `target` are about dense (as in the embedded store).
 */
export class ReplayProgress {
  private lastPlain = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: ProgressOutput,
    private readonly target: number,
    private readonly from = 0,
  ) {}

  update(p: RebuildProgress): void {
    if (this.out.isTTY) {
      this.out.write(`\r${this.line(p, true)}\x1b[K`);
    } else if (p.seconds - this.lastPlain >= PLAIN_EVERY_SECONDS) {
      this.lastPlain = p.seconds;
      this.out.write(`${this.line(p, false)}\n`);
    }
  }

  /** Ends the bar's line (a terminal) or prints the final figures (plain). */
  done(p: RebuildProgress): void {
    this.out.write(this.out.isTTY ? `\r${this.line(p, true)}\x1b[K\n` : `${this.line(p, false)}\n`);
  }

  line(p: RebuildProgress, bar: boolean): string {
    const span = Math.max(1, this.target - this.from);
    const fraction = Math.min(1, Math.max(0, (p.position - this.from) / span));
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    const rate = `${p.eventsPerSecond.toLocaleString('en')} events/s`;
    const left = fraction > 0 && fraction < 1 ? `${duration((p.seconds * (1 - fraction)) / fraction)} left` : '';
    const counts = `${p.events.toLocaleString('en')} events, position ${p.position}/${this.target}`;
    if (!bar) return ['replay', percent.trim(), counts, rate, left].filter(Boolean).join(' · ');
    const filled = Math.round(fraction * BAR_WIDTH);
    return [`[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}]`, percent, counts, rate, left]
      .filter(Boolean)
      .join(' ');
  }
}

const duration = (seconds: number): string => {
  const s = Math.ceil(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
};
