/** A scan of the template's text for key material or credentials; a list of what it found, empty when nothing. */

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----\s*[A-Za-z0-9+/=\s\\n]{40,}/;
const PRIVATE_KEY_HEADER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
const ACCESS_KEY_ID = /\b(AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b/;
/** A run of base64(url) characters long enough to be a key or secret (ids and ARNs in the template are shorter). */
const LONG_BASE64_GLOBAL = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const AWS_SECRET_NAME = /aws_secret_access_key|secretaccesskey/i;

/** Scans template text for anything that looks like key material or a credential. */
export function keyMaterialProblems(text: string): string[] {
  const problems: string[] = [];
  if (PRIVATE_KEY_HEADER.test(text)) problems.push('a private key header');
  if (PEM_BLOCK.test(text)) problems.push('a PEM block with a body');
  if (ACCESS_KEY_ID.test(text)) problems.push('an AWS access key id');
  if (AWS_SECRET_NAME.test(text)) problems.push('an AWS secret access key');
  // Mixed case and digits: random bytes, not a separator line or a word.
  const long = text.match(LONG_BASE64_GLOBAL)?.find((run) => /[A-Z]/.test(run) && /[a-z]/.test(run) && /[0-9]/.test(run));
  if (long) problems.push(`a long base64 run (${long.slice(0, 4)}...)`);
  return problems;
}
