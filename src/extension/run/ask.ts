import type { Answers, Ask, Question } from '../../core/questions';
import { ask as askInput, choose } from '../quickInput';
import { rememberAccepted, type RememberOptions } from './remember';

export interface AskContext {
  /** Shown in every title, e.g. "Sign in to Staging". */
  profileName: string;
  /** Prefilled username (the sandbox's demo user, or the one remembered). */
  username?: string;
  /** Extra line under the password box (the sandbox tells its demo password). */
  passwordHint?: string;
  /** When set, credentials the person typed are offered for remembering once the server accepted them. */
  remember?: Omit<RememberOptions, 'confirm'>;
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
    // Asked again after a refusal, the question says why and how many tries are left.
    prompt: [question.message, `Password for ${username}`, context.passwordHint].filter(Boolean).join(' — '),
    password: true,
    validate: required('password'),
  });
  return password === undefined ? undefined : { username, password };
}

/** After the sign-on step succeeded with them; dismissing the offer only means "don't remember". */
function confirmRemember(context: AskContext): RememberOptions['confirm'] {
  return (replacing) =>
    choose({
      title: `Signed in to ${context.profileName}`,
      signal: context.signal,
      placeholder: `These credentials worked. Remember them for ${context.profileName}?`,
      items: [
        { label: 'Don\'t remember', description: replacing ? 'keep the stored ones' : 'ask again next run', value: false },
        {
          label: replacing ? 'Replace the remembered credentials' : 'Remember in the secret store',
          description: 'kept in the OS keychain, never in settings',
          value: true,
        },
      ],
    });
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
    case 'redirectUrl': {
      const url = await askInput({
        title,
        signal,
        prompt: [question.message, 'Paste the URL the browser ended on (it carries the code)'].filter(Boolean).join(' — '),
        validate: (value) => (URL.canParse(value.trim()) ? undefined : 'Paste the whole URL, starting with http:// or https://.'),
      });
      return url === undefined ? undefined : { url: url.trim() };
    }
  }
}

/** The runner's `ask` callback, answered with quick inputs. Dismissing any input cancels the run. */
export function createAsk(context: AskContext): Ask {
  const ask = <Q extends Question>(question: Q) => answer(context, question) as Promise<Answers[Q['kind']] | undefined>;
  return context.remember ? Object.assign(ask, { accepted: rememberAccepted({ ...context.remember, confirm: confirmRemember(context) }) }) : ask;
}
