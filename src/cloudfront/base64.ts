/**
 * CloudFront's URL-safe base64: standard base64 with `+`->`-`, `=`->`_`, `/`->`~`
 * (CloudFront Developer Guide, "Create a signed URL using a custom policy", step 3).
 */

/** Encodes bytes (or a UTF-8 string) in CloudFront's URL-safe base64. */
export function cfBase64Encode(data: Uint8Array | string): string {
  const b64 = (typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data)).toString('base64');
  let out = '';
  for (let i = 0; i < b64.length; i++) {
    const c = b64[i]!;
    out += c === '+' ? '-' : c === '=' ? '_' : c === '/' ? '~' : c;
  }
  return out;
}

const CF_B64 = /^[A-Za-z0-9\-~]*_{0,2}$/;

/**
 * Decodes CloudFront URL-safe base64 (a raw query or cookie value; `%7E`-style escapes are undone first).
 * Returns undefined for anything that is not strictly that alphabet, so callers can map it to an error code.
 */
export function cfBase64Decode(raw: string): Buffer | undefined {
  let value = raw;
  if (value.includes('%')) {
    try {
      value = decodeURIComponent(value);
    } catch {
      return undefined;
    }
  }
  if (value === '' || !CF_B64.test(value) || value.length % 4 === 1) return undefined;
  return Buffer.from(value.replace(/-/g, '+').replace(/_/g, '=').replace(/~/g, '/'), 'base64');
}

/**
 * Reads `DateLessThan` (epoch seconds) from a custom policy's raw query value (CloudFront's URL-safe base64),
 * or undefined when the policy cannot be read. Used only to bound cache lifetimes, never to authorize.
 */
export function policyExpiry(rawPolicy: string): number | undefined {
  const bytes = cfBase64Decode(rawPolicy);
  if (bytes === undefined) return undefined;
  try {
    const json = JSON.parse(bytes.toString('utf8')) as {
      Statement?: Array<{ Condition?: { DateLessThan?: { 'AWS:EpochTime'?: unknown } } }>;
    };
    const t = json.Statement?.[0]?.Condition?.DateLessThan?.['AWS:EpochTime'];
    return typeof t === 'number' && Number.isFinite(t) ? t : undefined;
  } catch {
    return undefined;
  }
}
