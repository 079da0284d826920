import { createSecretKey } from 'node:crypto';
import { parseArgs } from 'node:util';
import { SignJWT } from 'jose';
import { ROLES, readAuthSettings } from './auth-settings';

/**
 * `npm run token -- --role agent --sub a1`: prints a development token signed with OMNICHANNEL_AUTH_SECRET,
 * for the issuer, audience and claims the service is configured with (the same variables).
 */
const USAGE = `usage: npm run token -- --role ${ROLES.join('|')} [--role ...] --sub ID [--agent-id ID] [--expires-in SECONDS]
  prints a bearer token signed with OMNICHANNEL_AUTH_SECRET for OMNICHANNEL_AUTH_ISSUER and OMNICHANNEL_AUTH_AUDIENCE
  --role        a role the token grants (repeat, or separate with commas)
  --sub         the token's subject (an agent's id for the agent role)
  --agent-id    the agent id claim, when OMNICHANNEL_AUTH_AGENT_ID_CLAIM is not sub (default: --sub)
  --expires-in  lifetime in seconds (default 3600)`;

const main = async (): Promise<void> => {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      role: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string' },
      'agent-id': { type: 'string' },
      'expires-in': { type: 'string', default: '3600' },
    },
  });
  if (values.help) return void process.stdout.write(`${USAGE}\n`);
  const settings = readAuthSettings(process.env);
  if (settings?.keys.kind !== 'secret')
    throw new Error(
      'set OMNICHANNEL_AUTH_SECRET, OMNICHANNEL_AUTH_ISSUER and OMNICHANNEL_AUTH_AUDIENCE (docs/security.md)',
    );
  const roles = values.role.flatMap((r) => r.split(','));
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (!values.sub || roles.length === 0 || unknown.length) throw new Error(USAGE);
  const seconds = Number(values['expires-in']);
  if (!Number.isInteger(seconds) || seconds < 1) throw new Error('--expires-in must be a positive number of seconds');
  const claims: Record<string, unknown> = { [settings.rolesClaim]: roles };
  if (settings.agentIdClaim !== 'sub') claims[settings.agentIdClaim] = values['agent-id'] ?? values.sub;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(values.sub)
    .setIssuer(settings.issuer)
    .setAudience(settings.audience)
    .setIssuedAt()
    .setExpirationTime(`${seconds}s`)
    .sign(createSecretKey(Buffer.from(settings.keys.secret)));
  process.stdout.write(`${token}\n`);
};

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
