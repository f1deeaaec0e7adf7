/**
 * Client authentication at the token endpoint (RFC 6749 §2.3; OIDC Core §9; RFC 7523 §2.2), in the
 * five ways a PingOne application's Token Endpoint Authentication Method allows, and mutual TLS
 * (RFC 8705 §2), where the transport presents the client certificate.
 */
import { Codes } from '../codes';
import { FlowError } from '../errors';
import type { SecretMark } from '../model';
import { randomValue } from './pkce';
import type { Profile, Secrets } from '../profile';
import { signJwt } from './signing';

export interface ClientAuthentication {
  headers: [string, string][];
  params: [string, string][];
  secrets: SecretMark[];
  /** The signed assertion, for display (client_secret_jwt / private_key_jwt). */
  assertion?: string;
}

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The application/x-www-form-urlencoded form of one value (RFC 6749 Appendix B), as a form body writes it. */
export function formEncode(value: string): string {
  return new URLSearchParams([['', value]]).toString().slice(1);
}

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before Basic encoding. */
function basicCredentials(clientId: string, clientSecret: string): string {
  return Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64');
}

export async function clientAuthentication(
  profile: Profile,
  secrets: Secrets,
  tokenEndpoint: string,
  now: number = Math.floor(Date.now() / 1000),
): Promise<ClientAuthentication> {
  const secretMark = (value: string): SecretMark => ({ variable: 'CLIENT_SECRET', value, describe: 'the application\'s client secret' });
  const requireSecret = (): string => {
    if (secrets.clientSecret) return secrets.clientSecret;
    throw new FlowError(Codes.MISSING_SECRET, `${profile.clientAuthMethod} needs the client secret, and none is set.`, 'Set the client secret for this environment (it is kept in the secret store, not the profile).');
  };

  switch (profile.clientAuthMethod) {
    case 'client_secret_basic': {
      const secret = requireSecret();
      const credentials = basicCredentials(profile.clientId, secret);
      return {
        headers: [['authorization', `Basic ${credentials}`]],
        params: [],
        secrets: [{ variable: 'BASIC_CREDENTIALS', value: credentials, describe: 'base64 of client_id:client_secret' }, secretMark(secret)],
      };
    }
    case 'client_secret_post': {
      const secret = requireSecret();
      // The body carries the secret form-encoded; when that differs from the secret (`~`, `+`, `/`…), a
      // cURL command needs it in a variable of its own to send the same bytes.
      const encoded = formEncode(secret);
      return {
        headers: [],
        params: [['client_id', profile.clientId], ['client_secret', secret]],
        secrets: [
          secretMark(secret),
          ...(encoded === secret ? [] : [{ variable: 'CLIENT_SECRET_FORM', value: encoded, describe: 'the client secret, form-urlencoded' }]),
        ],
      };
    }
    case 'client_secret_jwt':
    case 'private_key_jwt': {
      const alg = profile.assertionAlg ?? (profile.clientAuthMethod === 'client_secret_jwt' ? 'HS256' : 'RS256');
      // RFC 7523 §3: iss = sub = client id, aud = token endpoint, short exp, unique jti.
      const assertion = await signJwt(
        { iss: profile.clientId, sub: profile.clientId, aud: tokenEndpoint, iat: now, exp: now + 300, jti: randomValue(16) },
        alg,
        secrets,
      );
      return {
        headers: [],
        params: [['client_id', profile.clientId], ['client_assertion_type', ASSERTION_TYPE], ['client_assertion', assertion]],
        secrets: [{ variable: 'CLIENT_ASSERTION', value: assertion, describe: `a signed ${alg} client assertion` }],
        assertion,
      };
    }
    // RFC 8705 §2: the TLS client certificate authenticates the client; the body names it, nothing more.
    case 'tls_client_auth':
    case 'self_signed_tls_client_auth':
    case 'none':
      return { headers: [], params: [['client_id', profile.clientId]], secrets: [] };
  }
}
