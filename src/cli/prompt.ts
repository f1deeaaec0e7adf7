/** Asks on the terminal for what a flow needs; the password is read without echo. */
import { createInterface } from 'node:readline/promises';
import type { Answers, Ask, Question } from '../core/questions';

async function line(prompt: string, options: { hidden?: boolean; initial?: string } = {}): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  if (options.hidden) {
    // Mute echo: readline writes typed characters through _writeToOutput.
    const output = rl as unknown as { _writeToOutput: (text: string) => void };
    output._writeToOutput = (text: string) => {
      if (text.includes(prompt)) process.stdout.write(prompt);
    };
  }
  try {
    const answer = await rl.question(prompt);
    if (options.hidden) process.stdout.write('\n');
    return answer || options.initial || '';
  } finally {
    rl.close();
  }
}

export const terminalAsk: Ask = async <Q extends Question>(question: Q) => {
  let answer: Answers[keyof Answers];
  switch (question.kind) {
    case 'credentials': {
      // Asked again after a refusal, the question says why and how many tries are left.
      if (question.message) process.stdout.write(`${question.message}\n`);
      const username = question.username ?? (await line('Username: '));
      answer = { username, password: await line(`Password for ${username}: `, { hidden: true }) };
      break;
    }
    case 'otp':
      answer = { otp: await line(`${question.message ?? 'One-time code'}: `) };
      break;
    case 'device': {
      question.devices.forEach((d, i) => process.stdout.write(`  ${i + 1}. ${d.label}\n`));
      const choice = Number(await line('Device number: ', { initial: '1' }));
      answer = { deviceId: question.devices[choice - 1]?.id ?? question.devices[0]?.id ?? '' };
      break;
    }
    case 'newPassword':
      answer = { newPassword: await line(`${question.message ?? 'New password'} `, { hidden: true }) };
      break;
    case 'redirectUrl':
      if (question.message) process.stdout.write(`${question.message}\n`);
      answer = { url: (await line('Paste the URL the browser ended on: ')).trim() };
      break;
  }
  return answer as Answers[Q['kind']];
};
