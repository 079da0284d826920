import { Writable } from 'node:stream';
import pino from 'pino';
import { logStream, usesPrettyLogs } from './logging';

describe('log format', () => {
  it('is pretty on a terminal and JSON lines anywhere else, unless LOG_FORMAT says which', () => {
    expect(usesPrettyLogs({}, { isTTY: true })).toBe(true);
    expect(usesPrettyLogs({}, { isTTY: false })).toBe(false);
    expect(usesPrettyLogs({}, {})).toBe(false);
    expect(usesPrettyLogs({ logFormat: 'json' }, { isTTY: true })).toBe(false);
    expect(usesPrettyLogs({ logFormat: 'pretty' }, { isTTY: false })).toBe(true);
  });

  it('on a terminal, a line is text a person reads, with its fields', () => {
    let written = '';
    const terminal = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          written += String(chunk);
          done();
        },
      }),
      { isTTY: true },
    );
    pino(logStream({}, terminal)).info({ conversationId: 'c-1', outcome: 'accepted' }, 'pick accepted');
    expect(written).toContain('pick accepted');
    expect(written).toContain('conversationId: "c-1"');
    expect(() => JSON.parse(written)).toThrow();
  });
});
