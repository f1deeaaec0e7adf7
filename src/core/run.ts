/**
 * The runner: a run is discovery, then the profile's grant (src/core/grants), then userinfo when the
 * grant signed a person on, then any follow-ups asked for (`then`), each recorded as steps of one
 * {@link Run}. It holds no protocol logic of its own.
 *
 * `runFlow` never throws for a flow failure: the returned run says which step failed and why.
 */
import { Codes } from './codes';
import { FlowError } from './errors';
import { authorizationCode } from './grants/authorizationCode';
import { clientCredentials } from './grants/clientCredentials';
import { deviceCode } from './grants/deviceCode';
import { followUp, userinfo, type FollowUp } from './grants/followUps';
import type { Run } from './model';
import { grantOf, secretProblems, usesMutualTls, validateProfile } from './profile';
import { RunSession, type RunOptions } from './session';

export { DEFAULT_CLOCK_SKEW_SEC, RunSession, type RunHost, type RunOptions } from './session';
export { FOLLOW_UPS, followUpsAvailable, type FollowUp } from './grants/followUps';

export interface FlowOptions extends RunOptions {
  /** Follow-ups to run, in this order, once the grant succeeded. */
  then?: readonly FollowUp[];
}

/** Runs the profile's grant and the follow-ups asked for; the session stays usable for more follow-ups. */
export async function startRun(options: FlowOptions): Promise<RunSession> {
  const session = new RunSession(options);
  await session.phase(() => grant(session));
  for (const action of options.then ?? []) {
    if (session.run.status !== 'succeeded') break;
    await session.phase(() => followUp(session, action));
  }
  return session;
}

export async function runFlow(options: FlowOptions): Promise<Run> {
  return (await startRun(options)).run;
}

/** Appends one follow-up to a finished run. */
export function runFollowUp(session: RunSession, action: FollowUp): Promise<Run> {
  return session.phase(() => followUp(session, action));
}

async function grant(session: RunSession): Promise<void> {
  const { profile, secrets, options } = session;
  const problems = validateProfile(profile);
  // Which secrets a profile needs is only meaningful once the profile itself is valid.
  if (!problems.length) problems.push(...secretProblems(profile, secrets));
  if (!problems.length && usesMutualTls(profile) && !options.clientCert) {
    problems.push({ field: 'clientCertFile', message: `"${profile.name}" authenticates with ${profile.clientAuthMethod} and needs a TLS client certificate (clientCertFile, or --client-cert for the CLI).` });
  }
  if (problems.length) {
    throw new FlowError(Codes.INVALID_PROFILE, problems.map((p) => p.message).join(' '), 'Edit the environment, or set its secrets.');
  }
  await session.discover();
  switch (grantOf(profile)) {
    case 'authorization_code':
      await authorizationCode(session);
      break;
    case 'client_credentials':
      await clientCredentials(session);
      return;
    case 'device_code':
      await deviceCode(session);
      break;
  }
  if (profile.userinfo !== false && profile.scopes.includes('openid')) await userinfo(session);
}
