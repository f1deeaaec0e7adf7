/** `auth-flow decode TOKEN [--jwks URL]`: decode a JWT and, given a JWKS, verify its signature and times. */
import { Codes } from '../core/codes';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { CookieJar } from '../core/cookies';
import { FlowError } from '../core/errors';
import { Transport } from '../core/http';
import { proxyFromEnvironment } from '../core/network';
import { buildJwksRequest, readJwksResponse } from '../core/oauth/jwks';
import { decodeToken, extractJwt, verifyToken } from '../core/oauth/jwt';
import { DEFAULT_CLOCK_SKEW_SEC } from '../core/run';
import { UsageError } from './usage';

export async function decodeCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: { jwks: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length > 1) throw new UsageError(`decode takes one token; got ${positionals.length} arguments (quote a token that holds spaces).`);
  const input = positionals[0] === '-' ? readFileSync(0, 'utf8') : positionals[0];
  if (!input?.trim()) throw new UsageError(positionals[0] === '-' ? 'decode read nothing from standard input.' : 'decode needs a token (or - to read it from standard input).');
  const raw = extractJwt(input);
  if (!raw) throw new FlowError(Codes.JWT_MALFORMED, 'No JWT found in the input.', 'A JWT is three base64url parts separated by dots, starting with "eyJ".');
  let token = decodeToken(raw);
  if (values.jwks) {
    const transport = new Transport({ jar: new CookieJar(), network: { proxy: proxyFromEnvironment(process.env) } });
    try {
      const jwks = readJwksResponse(await transport.send(buildJwksRequest(values.jwks)));
      token = await verifyToken(token, { jwks, skewSec: DEFAULT_CLOCK_SKEW_SEC });
    } finally {
      await transport.close();
    }
  }
  process.stdout.write(`${JSON.stringify({ header: token.header, payload: token.payload, times: token.times, checks: token.checks, verified: token.verified }, null, 2)}\n`);
  return token.verified === false ? 1 : 0;
}
