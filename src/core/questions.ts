/**
 * What a run may need to ask a person mid-flow (credentials, a one-time code, which device), and the
 * answers. The runner asks through an {@link Ask} callback supplied by its host: the extension uses
 * quick inputs, the CLI uses flags or the terminal, tests answer directly. `undefined` means the person
 * declined, and the run ends as cancelled.
 */
export type Question =
  | { kind: 'credentials'; username?: string; message?: string }
  | { kind: 'otp'; message?: string }
  | { kind: 'device'; devices: { id: string; label: string }[] }
  | { kind: 'newPassword'; message?: string }
  /** Browser sign-on when the redirect cannot be caught: the person pastes the URL the browser ended on. */
  | { kind: 'redirectUrl'; authorizeUrl: string; message?: string };

export interface Answers {
  credentials: { username: string; password: string };
  otp: { otp: string };
  device: { deviceId: string };
  newPassword: { newPassword: string };
  redirectUrl: { url: string };
}

export interface Ask {
  <Q extends Question>(question: Q): Promise<Answers[Q['kind']] | undefined>;
  /**
   * Told, once the sign-on step that sent it succeeded, that an answer this Ask gave was accepted by
   * the server; never for a refused answer, nor for what the run was given up front. The run waits
   * for it, so a host may ask here whether to remember the credentials that worked.
   */
  accepted?: <K extends keyof Answers>(kind: K, answer: Answers[K]) => Promise<void>;
}
