import type { Answers, Ask, Question } from '../core/questions';
import { ask as askInput, choose } from './quickInput';

export interface AskContext {
  /** Shown in every title, e.g. "Sign in to Staging". */
  profileName: string;
  /** Prefilled username (the sandbox's demo user, or the one remembered). */
  username?: string;
  /** Extra line under the password box (the sandbox tells its demo password). */
  passwordHint?: string;
  /** When set, the user is offered to remember the credentials; called only if they opt in. */
  remember?: (credentials: Answers['credentials']) => Promise<void>;
  /** The run's signal: cancelling the run closes the open input. */
  signal?: AbortSignal;
}

const required = (what: string) => (value: string) => (value ? undefined : `Enter the ${what}.`);

async function credentials(context: AskContext, question: Extract<Question, { kind: 'credentials' }>): Promise<Answers['credentials'] | undefined> {
  const title = `Sign in to ${context.profileName}`;
  const { signal } = context;
  const username = await askInput({ title, signal, prompt: question.message ?? 'Username', value: question.username ?? context.username, validate: required('username') });
  if (username === undefined) return undefined;
  const password = await askInput({
    title,
    signal,
    prompt: [`Password for ${username}`, context.passwordHint].filter(Boolean).join(' — '),
    password: true,
    validate: required('password'),
  });
  if (password === undefined) return undefined;
  if (context.remember) {
    const remember = await choose({
      title,
      signal,
      placeholder: `Remember these credentials for ${context.profileName}?`,
      items: [
        { label: 'Don\'t remember', description: 'ask again next run', value: false },
        { label: 'Remember in the secret store', description: 'kept in the OS keychain, never in settings', value: true },
      ],
    });
    if (remember === undefined) return undefined;
    if (remember) await context.remember({ username, password });
  }
  return { username, password };
}

async function answer(context: AskContext, question: Question): Promise<Answers[Question['kind']] | undefined> {
  const title = `Sign in to ${context.profileName}`;
  const { signal } = context;
  switch (question.kind) {
    case 'credentials':
      return credentials(context, question);
    case 'otp': {
      const otp = await askInput({ title, signal, prompt: question.message ?? 'One-time passcode sent to your device', validate: required('passcode') });
      return otp === undefined ? undefined : { otp: otp.trim() };
    }
    case 'device': {
      const deviceId = await choose({
        title,
        signal,
        placeholder: 'Which device should receive the one-time passcode?',
        items: question.devices.map((device) => ({ label: device.label, value: device.id })),
      });
      return deviceId === undefined ? undefined : { deviceId };
    }
    case 'newPassword': {
      const newPassword = await askInput({ title, signal, prompt: question.message ?? 'The password has expired: choose a new one', password: true, validate: required('new password') });
      if (newPassword === undefined) return undefined;
      const confirmed = await askInput({
        title,
        signal,
        prompt: 'Type the new password again',
        password: true,
        validate: (value) => (value === newPassword ? undefined : 'The two passwords differ.'),
      });
      return confirmed === undefined ? undefined : { newPassword };
    }
  }
}

/** The runner's `ask` callback, answered with quick inputs. Dismissing any input cancels the run. */
export function createAsk(context: AskContext): Ask {
  return <Q extends Question>(question: Q) => answer(context, question) as Promise<Answers[Q['kind']] | undefined>;
}
