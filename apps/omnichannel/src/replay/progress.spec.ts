import { ReplayProgress } from './progress';

const output = (isTTY: boolean) => {
  const written: string[] = [];
  return { isTTY, written, write: (text: string) => written.push(text) };
};

const at = (position: number, seconds: number) => ({
  events: position,
  position,
  seconds,
  eventsPerSecond: Math.round(position / seconds),
});

describe('replay progress', () => {
  it('on a terminal, redraws one bar in place with the rate and the time left', () => {
    const out = output(true);
    const progress = new ReplayProgress(out, 1_000_000);
    progress.update(at(250_000, 1));
    progress.update(at(500_000, 2));
    expect(out.written).toHaveLength(2);
    expect(out.written[1]).toMatch(/^\r\[#{15}\.{15}\] {2}50% 500,000 events, position 500000\/1000000 /);
    expect(out.written[1]).toContain('250,000 events/s 2 s left');
    expect(out.written.join('')).not.toContain('\n');
  });

  it('ends the bar with a newline at 100% and no time left', () => {
    const out = output(true);
    new ReplayProgress(out, 1000).done(at(1000, 4));
    expect(out.written[0]).toMatch(/^\r\[#{30}\] 100% .* 250 events\/s/);
    expect(out.written[0].endsWith('\x1b[K\n')).toBe(true);
  });

  it('otherwise prints plain lines, at most one a second', () => {
    const out = output(false);
    const progress = new ReplayProgress(out, 600_000);
    progress.update(at(100_000, 0.5));
    progress.update(at(200_000, 1.0));
    progress.update(at(300_000, 1.2));
    progress.update(at(400_000, 2.6));
    expect(out.written).toEqual([
      'replay · 16% · 100,000 events, position 100000/600000 · 200,000 events/s · 3 s left\n',
      'replay · 66% · 400,000 events, position 400000/600000 · 153,846 events/s · 2 s left\n',
    ]);
  });

  it('counts the time left in minutes and hours when it is long', () => {
    const line = new ReplayProgress(output(false), 100_000_000).line(at(100_000, 10), false);
    expect(line).toContain('2 h 46 min left');
  });
});
