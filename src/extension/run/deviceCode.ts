/**
 * The device grant's moment with a person (RFC 8628 §3.3): the user code and where to enter it, shown
 * while the run polls. The message offers to open the verification page (with the code filled in when
 * the server gave `verification_uri_complete`) and to copy the code; the run's progress notification
 * repeats the code until the run ends.
 */
import * as vscode from 'vscode';

export interface DeviceCodeMessage {
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  expiresIn: number;
}

/** The line the run's progress shows while it polls. */
export function deviceCodeLine(message: DeviceCodeMessage): string {
  const minutes = Math.max(1, Math.round(message.expiresIn / 60));
  return `enter code ${message.userCode} at ${message.verificationUri} (valid ${minutes} min)`;
}

export function showDeviceCode(profileName: string, message: DeviceCodeMessage): void {
  const open = 'Open in Browser';
  const copy = 'Copy Code';
  void vscode.window.showInformationMessage(`${profileName}: ${deviceCodeLine(message)}. The run waits for the sign-on.`, open, copy).then(async (choice) => {
    if (choice === open) await vscode.env.openExternal(vscode.Uri.parse(message.verificationUriComplete ?? message.verificationUri));
    if (choice === copy) {
      await vscode.env.clipboard.writeText(message.userCode);
      vscode.window.setStatusBarMessage(`$(check) Copied the code ${message.userCode}`, 3000);
    }
  });
}
