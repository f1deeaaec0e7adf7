/**
 * The client-credentials grant (RFC 6749 §4.4): the application asks for a token for itself, with its
 * own authentication and no person involved. One step: the token request.
 */
import { buildClientCredentialsRequest } from '../oauth/token';
import type { RunSession } from '../session';
import { tokenStep } from './tokens';

export async function clientCredentials(session: RunSession): Promise<void> {
  const { profile } = session;
  await tokenStep(
    session,
    'token',
    `Token (client_credentials, ${profile.clientAuthMethod})`,
    async (step) => {
      const tokenEndpoint = session.endpoint('token', 'token_endpoint');
      return buildClientCredentialsRequest(tokenEndpoint, profile.scopes, await session.authenticate(step, tokenEndpoint));
    },
    // No person signs on, so there is no ID token to expect (OIDC Core §3.1.3.3 is about code flows).
    { idTokenRequired: false },
  );
}
