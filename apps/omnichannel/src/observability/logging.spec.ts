import { Writable } from 'node:stream';
import pino from 'pino';
import { REDACTED, logStream, redactUrl, usesPrettyLogs } from './logging';

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

/** Issue 22: a token sent in a URL never reaches the log. */
describe('URLs in log lines', () => {
  it.each([
    [
      '/statistics/conversations?access_token=eyJhbGciOi.eyJzdWIi.sig',
      `/statistics/conversations?access_token=${REDACTED}`,
    ],
    ['/x?token=abc&limit=5', `/x?token=${REDACTED}&limit=5`],
    [
      '/x?limit=5&id_token=abc&api_key=k&client_secret=s',
      `/x?limit=5&id_token=${REDACTED}&api_key=${REDACTED}&client_secret=${REDACTED}`,
    ],
    ['/x?ACCESS%5FTOKEN=abc', `/x?ACCESS%5FTOKEN=${REDACTED}`],
    ['/x?cursor=eyJhbGciOi.eyJzdWIi.sig', `/x?cursor=${REDACTED}`],
    ['/x?%E0%A4%A=1&password=p', `/x?%E0%A4%A=1&password=${REDACTED}`],
  ])('%s is logged as %s', (url, logged) => {
    expect(redactUrl(url)).toBe(logged);
  });

  it('keeps URLs without credentials as they are', () => {
    for (const url of ['/conversations', '/conversations?agentId=a1&limit=5&cursor=12', '/x?flag', '/x?'])
      expect(redactUrl(url)).toBe(url);
  });
});
