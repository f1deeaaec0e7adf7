/**
 * Remembering sign-in credentials only once they worked. The run tells its Ask which typed answers the
 * server accepted (`Ask.accepted`, after the sign-on step succeeded), so a mistyped password is never
 * offered for the secret store; a retyped one that worked may replace a stored one that no longer does.
 */
import type { Answers, Ask } from '../../core/questions';

type Credentials = Answers['credentials'];

export interface RememberOptions {
  /** What the secret store holds now for the environment. */
  stored: Partial<Credentials>;
  /** Asks whether to remember; `replacing` when other credentials are stored. True to save. */
  confirm: (replacing: boolean) => Promise<boolean | undefined>;
  save: (credentials: Credentials) => Promise<void>;
}

/** An `Ask.accepted` offering to remember accepted credentials that the store does not hold yet. */
export function rememberAccepted(options: RememberOptions): NonNullable<Ask['accepted']> {
  return async (kind, answer) => {
    if (kind !== 'credentials') return;
    const { username, password } = answer as Credentials;
    const { stored } = options;
    if (username === stored.username && password === stored.password) return;
    if (await options.confirm(stored.password !== undefined)) await options.save({ username, password });
  };
}
