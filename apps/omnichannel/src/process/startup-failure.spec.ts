import { startupFailureLine } from './startup-failure';

const listenError = (code: string) =>
  Object.assign(new Error(`listen ${code}`), { code, syscall: 'listen', address: '127.0.0.1', port: 3000 });

describe('a failed start', () => {
  it('on a port in use is one line naming the address and the port', () => {
    expect(startupFailureLine(listenError('EADDRINUSE'))).toBe(
      'cannot listen on 127.0.0.1:3000: port 3000 is already in use (another process holds it; stop it or set PORT)',
    );
  });

  it.each(['EACCES', 'EADDRNOTAVAIL'])('on %s is one line naming the address', (code) => {
    expect(startupFailureLine(listenError(code))).toMatch(/^cannot listen on 127\.0\.0\.1:3000: [^\n]+$/);
  });

  it('for anything else is left to the stack', () => {
    expect(startupFailureLine(new Error('boom'))).toBeUndefined();
  });
});
