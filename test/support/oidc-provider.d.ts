/**
 * The few parts of oidc-provider v9 (https://github.com/panva/node-oidc-provider) the PingOne facade
 * and the generic OpenID Provider (oidc-server.ts) use. The package ships no types and @types/oidc-provider is not a dependency; this keeps the
 * test code typed without `any`. Shapes follow the v9 source (lib/provider.js, lib/models/).
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { JWK } from 'jose';

  export interface ClientMetadata {
    client_id: string;
    client_secret?: string;
    redirect_uris: string[];
    token_endpoint_auth_method?: 'client_secret_basic' | 'client_secret_post' | 'client_secret_jwt' | 'private_key_jwt' | 'none';
    grant_types?: string[];
    response_types?: string[];
    post_logout_redirect_uris?: string[];
    /** private_key_jwt: the public keys assertions are verified with. */
    jwks?: { keys: JWK[] };
    require_pushed_authorization_requests?: boolean;
    /** Space-separated scopes the client may ask for. */
    scope?: string;
  }

  export interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>> | Record<string, unknown>;
  }

  export interface InteractionResults {
    login?: { accountId: string; amr?: string[]; acr?: string; remember?: boolean };
    consent?: { grantId: string };
    error?: string;
    error_description?: string;
  }

  export interface Interaction {
    uid: string;
    /** Seconds since the epoch. */
    iat: number;
    exp: number;
    returnTo: string;
    grantId?: string;
    params: Record<string, unknown>;
    prompt: {
      name: string;
      reasons: string[];
      details: { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
    };
  }

  export interface Grant {
    addOIDCScope(scope: string): void;
    addOIDCClaims(claims: string[]): void;
    addResourceScope(resource: string, scope: string): void;
    /** Resolves to the grant id. */
    save(): Promise<string>;
  }

  export interface Configuration {
    clients?: ClientMetadata[];
    jwks?: { keys: JWK[] };
    cookies?: {
      keys?: string[];
      names?: Record<string, string>;
      long?: { httpOnly?: boolean; sameSite?: 'lax' | 'strict' | 'none'; secure?: boolean };
      short?: { httpOnly?: boolean; sameSite?: 'lax' | 'strict' | 'none'; secure?: boolean };
    };
    routes?: Record<string, string>;
    interactions?: { url(ctx: unknown, interaction: Interaction): string | Promise<string> };
    findAccount?(ctx: unknown, sub: string): Promise<Account | undefined> | Account | undefined;
    claims?: Record<string, string[]>;
    features?: Record<string, { enabled: boolean; [option: string]: unknown }>;
    pkce?: { required?(ctx: unknown, client: unknown): boolean };
    [option: string]: unknown;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** A node:http request listener. Behind a path prefix, set `req.originalUrl` to the full path (connect convention). */
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: InteractionResults): Promise<string>;
    /** Stores the result and answers 303 to the interaction's returnTo. */
    interactionFinished(req: IncomingMessage, res: ServerResponse, result: InteractionResults, options?: { mergeWithLastSubmission?: boolean }): Promise<void>;
    on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): this;
    readonly Interaction: { find(uid: string): Promise<Interaction | undefined> };
    readonly Grant: { new (properties: { accountId: string; clientId: string }): Grant; find(id: string): Promise<Grant | undefined> };
  }

  /** OAuth error classes; a thrown one becomes its error response (`error`, `error_description`). */
  export const errors: { InvalidTarget: new (description?: string) => Error };

  export default Provider;
}
