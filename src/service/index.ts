/**
 * The signer service: configuration, JWT authentication, entitlement, the cached key provider and the
 * event-independent request handler. The Lambda adapter is src/functions/sign-url.
 */
export { loadConfig } from './config.js';
export { ConfigError, KeySourceError } from '../errors.js';
export type { SignerConfig, PrivateKeySource, LocalSignerOptions } from './config.js';
export { createJwtAuthenticator } from './auth.js';
export type { Authenticator, AuthResult, JwtAuthOptions } from './auth.js';
export { entitlementsFrom, isEntitled, isValidContentId } from './entitlement.js';
export { createPrivateKeyProvider } from './key-provider.js';
export type { PrivateKeyProvider, PrivateKeyProviderOptions } from './key-provider.js';
export { createSignerService, clientIpOf, authorizationOf, mediaHostOf } from './service.js';
export type { ServiceRequest, ServiceResponse, ServiceLogRecord, SignerServiceDeps } from './service.js';
export { toServiceRequest, toFunctionResult } from './function-url.js';
export { createSignerHandler } from './lambda.js';
export { assertNoNestedTitles } from './catalog.js';
export type { SignerHandler, SignerHandlerOptions } from './lambda.js';
