/**
 * The signer library: keys, signed URLs and cookies, and a CloudFront-compatible verifier.
 */
export { generateKeyPair, loadPrivateKey, loadPublicKey, publicKeyPem } from './keys.js';
export type { GeneratedKeyPair, LoadPrivateKeyOptions, SignerKeyType } from './keys.js';
export { signUrl, signCookies, signDetailed, setCookieHeaders } from './sign.js';
export type { SignOptions, SignedDetails, SignedCookies, HashAlgorithm, CookieAttributes } from './sign.js';
export { verifySignedUrl, cloudFrontErrorXml } from './verify.js';
export type { VerifyResult, VerifyOptions, VerifyErrorCode } from './verify.js';
export { cannedPolicyJson, customPolicyJson, folderResource, parsePolicy, ipInCidr } from './policy.js';
export type { PolicyStatement, PolicyConditions } from './policy.js';
export { resourceCovers, globMatch } from './wildcard.js';
export { KeyFormatError, SigningInputError } from '../errors.js';
