import { execFileSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// Scans every file the repository tracks, or would track on the next commit (untracked and not ignored), for
// private key material and AWS secret keys. There are no exceptions: even the signer's test-vector keys are
// derived at test time from a seed (test/signer/seeded-keys.ts), never stored.

const ROOT = join(import.meta.dirname, '..', '..');

function repositoryFiles(): string[] {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  const files = new Set([...git('ls-files', '-z'), ...git('ls-files', '-z', '--others', '--exclude-standard')]);
  return [...files].filter((f) => {
    try {
      const st = statSync(join(ROOT, f));
      return st.isFile() && st.size < 5 * 1_048_576;
    } catch {
      return false; // deleted in the work tree
    }
  });
}

/**
 * A PEM private key with a body (a BEGIN line followed by base64), also inside JSON or YAML strings where the
 * newlines are written `\n`. A BEGIN line mentioned in prose or a test string has no base64 body and is fine.
 */
const PEM_PRIVATE = /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY-----(?:\\r|\\n|\r|\n|Proc-Type:[^\n]*|DEK-Info:[^\n]*)+[A-Za-z0-9+/=]{40}/;
/** An AWS secret access key assigned to a variable (40 base64 chars), and long-term access key ids. */
const AWS_SECRET = /aws_?secret_?access_?key\W{1,5}[A-Za-z0-9/+]{40}\b/i;
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/;

const files = repositoryFiles();
const texts = new Map(files.map((f) => [f, readFileSync(join(ROOT, f), 'latin1')]));

describe('repository scan for key material', () => {
  it('finds the repository files to scan', () => {
    expect(files.length).toBeGreaterThan(50);
    expect(files).toContain('package.json');
  });

  it('detects a PEM private key, also written with \\n escapes (the scanner is not blind)', () => {
    const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7';
    expect(PEM_PRIVATE.test(`-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----`)).toBe(true);
    expect(PEM_PRIVATE.test(`"-----BEGIN RSA PRIVATE KEY-----\\n${body}\\n"`)).toBe(true);
    expect(PEM_PRIVATE.test("expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----/)")).toBe(false);
  });

  it('holds no private key anywhere, test fixtures included', () => {
    const offenders = files.filter((f) => PEM_PRIVATE.test(texts.get(f)!));
    expect(offenders).toEqual([]);
  });

  it('holds no AWS secret access key or long-term access key id', () => {
    const offenders = files.filter((f) => AWS_SECRET.test(texts.get(f)!) || AWS_KEY_ID.test(texts.get(f)!));
    expect(offenders).toEqual([]);
  });

  it('keeps the template free of key material (keys live in Secrets Manager or SSM, referenced by name)', () => {
    const template = texts.get('template.yaml');
    expect(template).toBeDefined();
    expect(template).not.toMatch(/PRIVATE KEY/);
  });
});
