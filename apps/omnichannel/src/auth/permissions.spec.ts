import { PERMISSIONS, permissionsOf, readRolePermissions } from './permissions';

describe('OMNICHANNEL_ROLE_PERMISSIONS', () => {
  it('unset: the supervisor role has every permission, no other role any', () => {
    const grants = readRolePermissions(undefined);
    expect([...permissionsOf(new Set(['supervisor']), grants)]).toEqual([...PERMISSIONS]);
    expect([...permissionsOf(new Set(['agent', 'admin', 'channel']), grants)]).toEqual([]);
  });

  it('each role named gets exactly what is listed; roles add up', () => {
    const grants = readRolePermissions('supervisor=monitor, assign ; admin=force-close;channel=');
    expect([...permissionsOf(new Set(['supervisor']), grants)]).toEqual(['monitor', 'assign']);
    expect([...permissionsOf(new Set(['supervisor', 'admin']), grants)]).toEqual(['monitor', 'assign', 'force-close']);
    expect([...permissionsOf(new Set(['channel']), grants)]).toEqual([]);
  });

  it.each([
    ['an unknown role', 'boss=assign', /unknown role 'boss'/],
    ['an unknown permission', 'supervisor=assign,fly', /unknown permission 'fly'/],
    ['an entry without =', 'supervisor', /is not role=p1,p2/],
  ])('refuses %s at start', (_, raw, message) => {
    expect(() => readRolePermissions(raw)).toThrow(message);
  });
});
