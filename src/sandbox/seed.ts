/**
 * The sandbox's users and applications.
 *
 * Seeded credentials (documented here so a person can sign on from a browser):
 *
 * | username   | password        | what happens after the password                                      |
 * |------------|-----------------|----------------------------------------------------------------------|
 * | `demo`     | `Demo-Pass-1!`  | COMPLETED                                                             |
 * | `mfa`      | `Mfa-Pass-1!`   | DEVICE_SELECTION_REQUIRED (EMAIL, SMS) → `device.select` → OTP_REQUIRED → `otp.check` with OTP `123456` → COMPLETED |
 * | `changeme` | `Change-Me-1!`  | MUST_CHANGE_PASSWORD → `password.reset` {currentPassword, newPassword} → COMPLETED; the new password then replaces the old one for the life of this sandbox |
 *
 * The one-time code is `123456` for every OTP and for `password.forgot` recovery codes.
 * Client ids are fixed UUIDs and secrets are fixed strings, so profiles survive a restart; the
 * private_key_jwt app's key pair does too while the key cache keeps it (key-cache.ts).
 *
 * Applications (client id `b2f0c7d1-000N-4a1e-9c55-5a0d0b5e000N`):
 *
 * | N | token endpoint auth           | grants                                                              |
 * |---|-------------------------------|---------------------------------------------------------------------|
 * | 1 | `client_secret_basic`         | authorization_code, refresh_token, client_credentials, device_code   |
 * | 2 | `client_secret_post`          | authorization_code, refresh_token, client_credentials                |
 * | 3 | `client_secret_jwt`           | authorization_code, refresh_token, client_credentials                |
 * | 4 | `private_key_jwt`             | authorization_code, refresh_token, client_credentials                |
 * | 5 | `none` (public, native)       | authorization_code, refresh_token, device_code                       |
 * | 6 | `tls_client_auth`             | authorization_code, refresh_token, client_credentials (TLS only)     |
 * | 7 | `self_signed_tls_client_auth` | authorization_code, refresh_token, client_credentials (TLS only)     |
 *
 * device_code is `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628). PingOne's Device
 * Authorization application is a public client by default and may use CLIENT_SECRET_BASIC or
 * CLIENT_SECRET_POST instead, so the public app 5 and the confidential app 1 have it.
 */
import type { ClientAuthMethod } from '../core/profile';
import type { ClientKeyPair } from './keys';

/** The fixed OTP and recovery code (the sandbox sends no e-mail or SMS). */
export const SANDBOX_OTP = '123456';

export interface SandboxDevice {
  id: string;
  type: 'EMAIL' | 'SMS';
  /** Masked, as PingOne shows a device before it is selected. */
  display: string;
}

export interface SandboxUser {
  id: string;
  username: string;
  password: string;
  givenName: string;
  familyName: string;
  email: string;
  /** MFA devices; a user with any goes through DEVICE_SELECTION_REQUIRED after the password. */
  devices: readonly SandboxDevice[];
  /** The next sign-on stops at MUST_CHANGE_PASSWORD. */
  mustChangePassword: boolean;
}

/** PingOne application `pkceEnforcement`. */
export type PkceEnforcement = 'OPTIONAL' | 'REQUIRED' | 'S256_REQUIRED';

export interface SandboxApp {
  /** The client id. */
  id: string;
  name: string;
  tokenEndpointAuthMethod: ClientAuthMethod;
  pkceEnforcement: PkceEnforcement;
  /** Present for every method but private_key_jwt and none; also verifies HS request objects. */
  clientSecret?: string;
  /** private_key_jwt only: the key pair whose public half verifies assertions and RS request objects. */
  keyPair?: ClientKeyPair;
  /** tls_client_auth only: the subject DN its certificates carry (RFC 8705 §2.1.2 tls_client_auth_subject_dn). */
  tlsClientAuthSubjectDn?: string;
  /** self_signed_tls_client_auth only: the certificate it registered, PEM (RFC 8705 §2.2). */
  tlsClientCertificate?: string;
  redirectUris: readonly string[];
  postLogoutRedirectUris: readonly string[];
  grantTypes: readonly GrantType[];
}

/** RFC 8628 §3.4. */
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

export type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials' | typeof DEVICE_CODE_GRANT;

export const DEMO_USER = { username: 'demo', password: 'Demo-Pass-1!' } as const;

export function seedUsers(): SandboxUser[] {
  return [
    {
      id: '6f1c2a0e-3b9d-4c57-8e21-0d4f5a6b7c01',
      ...DEMO_USER,
      givenName: 'Dana',
      familyName: 'Demo',
      email: 'demo@sandbox.example',
      devices: [],
      mustChangePassword: false,
    },
    {
      id: '6f1c2a0e-3b9d-4c57-8e21-0d4f5a6b7c02',
      username: 'mfa',
      password: 'Mfa-Pass-1!',
      givenName: 'Morgan',
      familyName: 'Factor',
      email: 'mfa@sandbox.example',
      devices: [
        { id: '9a0b1c2d-0000-4000-8000-00000000e001', type: 'EMAIL', display: 'm***@sandbox.example' },
        { id: '9a0b1c2d-0000-4000-8000-00000000e002', type: 'SMS', display: '+1 *** *** 0142' },
      ],
      mustChangePassword: false,
    },
    {
      id: '6f1c2a0e-3b9d-4c57-8e21-0d4f5a6b7c03',
      username: 'changeme',
      password: 'Change-Me-1!',
      givenName: 'Casey',
      familyName: 'Change',
      email: 'changeme@sandbox.example',
      devices: [],
      mustChangePassword: true,
    },
  ];
}

/** How the mutual TLS apps recognise their client certificates; each app is registered only when given. */
export interface MutualTlsApps {
  /** tls_client_auth: the subject DN (RFC 4514, e.g. `CN=client,O=Example`) of a certificate the sandbox's client CA issued. */
  subjectDn?: string;
  /** self_signed_tls_client_auth: the self-signed certificate, PEM. */
  selfSignedCert?: string;
}

/**
 * One app per client authentication method. Every app accepts redirect mode and pi.flow. The mutual
 * TLS apps exist only on a sandbox listening with TLS that asks for client certificates.
 */
export function seedApps(callbackUrl: string, clientKeys: ClientKeyPair, mutualTls: MutualTlsApps = {}): SandboxApp[] {
  const web = {
    redirectUris: [callbackUrl],
    postLogoutRedirectUris: [callbackUrl],
    grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] as const,
  };
  return [
    {
      id: 'b2f0c7d1-0001-4a1e-9c55-5a0d0b5e0001',
      name: 'Sandbox web app (client_secret_basic)',
      tokenEndpointAuthMethod: 'client_secret_basic',
      pkceEnforcement: 'OPTIONAL',
      clientSecret: 'sandbox-basic-secret-7QmZ2v9KxR4tLp8WcN3yHf6JdS1aEb5G0uVkXoTiYr',
      ...web,
      grantTypes: [...web.grantTypes, DEVICE_CODE_GRANT],
    },
    {
      id: 'b2f0c7d1-0002-4a1e-9c55-5a0d0b5e0002',
      name: 'Sandbox web app (client_secret_post)',
      tokenEndpointAuthMethod: 'client_secret_post',
      pkceEnforcement: 'OPTIONAL',
      clientSecret: 'sandbox-post-secret-Lk3Vn8Qw1Zr6Tx0Yb4Hc9Md2Pf7Sg5Ja-uEoWiRtK',
      ...web,
    },
    {
      id: 'b2f0c7d1-0003-4a1e-9c55-5a0d0b5e0003',
      name: 'Sandbox web app (client_secret_jwt)',
      tokenEndpointAuthMethod: 'client_secret_jwt',
      pkceEnforcement: 'OPTIONAL',
      // 64 bytes: long enough for HS512 (RFC 7518 §3.2 wants a key at least the hash size).
      clientSecret: 'sandbox-jwt-secret-Xa7Qe2Rt9Yu4Io1Pl6Kj3Hg8Fd5Sa0ZxCvBnMqWeRtY',
      ...web,
    },
    {
      id: 'b2f0c7d1-0004-4a1e-9c55-5a0d0b5e0004',
      name: 'Sandbox web app (private_key_jwt)',
      tokenEndpointAuthMethod: 'private_key_jwt',
      pkceEnforcement: 'S256_REQUIRED',
      keyPair: clientKeys,
      ...web,
    },
    {
      id: 'b2f0c7d1-0005-4a1e-9c55-5a0d0b5e0005',
      name: 'Sandbox native app (public client, none)',
      tokenEndpointAuthMethod: 'none',
      pkceEnforcement: 'REQUIRED',
      redirectUris: [callbackUrl],
      postLogoutRedirectUris: [callbackUrl],
      // A public client cannot keep a secret, so client_credentials makes no sense (RFC 6749 §4.4).
      grantTypes: ['authorization_code', 'refresh_token', DEVICE_CODE_GRANT],
    },
    ...(mutualTls.subjectDn === undefined
      ? []
      : [{ id: 'b2f0c7d1-0006-4a1e-9c55-5a0d0b5e0006', name: 'Sandbox web app (tls_client_auth)', tokenEndpointAuthMethod: 'tls_client_auth', pkceEnforcement: 'OPTIONAL', tlsClientAuthSubjectDn: mutualTls.subjectDn, ...web } as const]),
    ...(mutualTls.selfSignedCert === undefined
      ? []
      : [{ id: 'b2f0c7d1-0007-4a1e-9c55-5a0d0b5e0007', name: 'Sandbox web app (self_signed_tls_client_auth)', tokenEndpointAuthMethod: 'self_signed_tls_client_auth', pkceEnforcement: 'OPTIONAL', tlsClientCertificate: mutualTls.selfSignedCert, ...web } as const]),
  ];
}

