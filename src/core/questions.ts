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
  | { kind: 'newPassword'; message?: string };

export interface Answers {
  credentials: { username: string; password: string };
  otp: { otp: string };
  device: { deviceId: string };
  newPassword: { newPassword: string };
}

export type Ask = <Q extends Question>(question: Q) => Promise<Answers[Q['kind']] | undefined>;
