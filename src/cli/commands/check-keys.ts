/**
 * `cloudfront-hls check-keys`: refuses a deployment that would change a key slot's public key in place.
 *
 * CloudFront never changes a public key: UpdatePublicKey may change only the comment and answers
 * CannotChangeImmutablePublicKeyFields otherwise
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_UpdatePublicKey.html), and CloudFormation
 * updates AWS::CloudFront::PublicKey in place, so a new PEM in a slot that holds a key fails the stack update
 * halfway. CloudFormation cannot compare a parameter with its deployed value, so this check does, from
 * `aws cloudformation describe-stacks` output, before `sam deploy`. It also refuses signing with a key in the deployment
 * that adds it (signsWithNewKey).
 */
import { UsageError } from '../../errors.js';
import { readFile } from 'node:fs/promises';
import type { Command } from '../command.js';
import { parseOptions, readAll } from '../command.js';



/** The key parameters of template.yaml; undefined = not given (the deployed value is kept). */
export interface KeySlots {
  PublicKeyPem?: string;
  SecondPublicKeyPem?: string;
  SigningKeySlot?: string;
}

const SLOTS = [
  ['PublicKeyPem', 1],
  ['SecondPublicKeyPem', 2],
] as const;

/** The key's base64 body, whitespace and the one-line form's literal `\n` removed; '' for an empty slot. */
export function keyBody(pem: string | undefined): string {
  return (pem ?? '').replaceAll('\\n', '\n').replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, '');
}

/**
 * Why deploying `next` over `deployed` would fail or break playback; empty when it is a safe step (fill an empty
 * slot, switch the signing slot to a filled one, empty a slot, or keep everything).
 */
export function keySlotProblems(deployed: KeySlots, next: KeySlots): string[] {
  const problems: string[] = [];
  const after: Record<1 | 2, string> = { 1: '', 2: '' };
  for (const [param, slot] of SLOTS) {
    const before = keyBody(deployed[param]);
    const now = next[param] === undefined ? before : keyBody(next[param]);
    after[slot] = now;
    if (before !== '' && now !== '' && before !== now) {
      const other = slot === 1 ? 2 : 1;
      problems.push(
        `${param} (key slot ${slot}) already holds a different public key; CloudFront cannot change a public key in place `
          + '(UpdatePublicKey: CannotChangeImmutablePublicKeyFields), so this stack update would fail. Rotate through the other '
          + `slot: put the new key in slot ${other} (one deployment), switch to SigningKeySlot=${other} (the next), then empty slot ${slot} `
          + 'after SignedUrlTtlSeconds (docs/deployment.md, "Key rotation").',
      );
    }
  }
  const signing = next.SigningKeySlot ?? deployed.SigningKeySlot ?? '1';
  if ((signing === '1' || signing === '2') && after[signing] === '') {
    problems.push(`SigningKeySlot is ${signing} but key slot ${signing} would be empty: the signer would have no key CloudFront trusts.`);
  } else if (signing === '1' || signing === '2') {
    const problem = signsWithNewKey(deployed, signing);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/**
 * A deployment that adds a key and signs with it at once: the signer switches as soon as the stack update ends, but
 * CloudFront takes a while to have a new key of the key group at every edge location, and a URL signed with it
 * meanwhile is refused (403) where it has not arrived. So adding a key and signing with it are separate deployments.
 * The very first deployment (no key anywhere yet) has no viewers to break and is allowed.
 */
function signsWithNewKey(deployed: KeySlots, signing: '1' | '2'): string | undefined {
  const before: Record<1 | 2, string> = { 1: keyBody(deployed.PublicKeyPem), 2: keyBody(deployed.SecondPublicKeyPem) };
  const firstDeploy = before[1] === '' && before[2] === '';
  // A slot that held another key is the in-place change reported above.
  if (firstDeploy || before[signing] !== '') return undefined;
  const current = deployed.SigningKeySlot ?? '1';
  return `SigningKeySlot ${signing} would sign with the key this same deployment adds to slot ${signing}; CloudFront needs time to `
    + 'have a new public key at every edge location, and URLs signed with it before then are refused (403). Deploy the new key '
    + `with SigningKeySlot=${current} first, then switch SigningKeySlot to ${signing} in a later deployment (docs/deployment.md, "Key rotation").`;
}

/** Reads the parameters out of `describe-stacks` output: the whole answer, one stack, or its Parameters list. */
export function deployedSlots(json: unknown): KeySlots {
  const stacks = (json as { Stacks?: unknown[] })?.Stacks;
  const stack = Array.isArray(stacks) ? stacks[0] : json;
  const params = Array.isArray(stack) ? stack : (stack as { Parameters?: unknown })?.Parameters;
  if (!Array.isArray(params)) throw new UsageError('--deployed: expected describe-stacks output or its Parameters list');
  const out: KeySlots = {};
  for (const p of params as Array<{ ParameterKey?: string; ParameterValue?: string }>) {
    if (p.ParameterKey === 'PublicKeyPem' || p.ParameterKey === 'SecondPublicKeyPem' || p.ParameterKey === 'SigningKeySlot') out[p.ParameterKey] = p.ParameterValue ?? '';
  }
  return out;
}

const HELP = `Usage: cloudfront-hls check-keys --deployed FILE [--public-key-pem FILE|none] [--second-public-key-pem FILE|none] [--signing-key-slot 1|2]

Checks a key change before \`sam deploy\`: refuses to put a new public key into a slot that holds another one
(CloudFront cannot change a public key; the stack update would fail), to sign from an empty slot, and to sign
with a key in the same deployment that adds it (URLs signed with it are refused until CloudFront has it everywhere).

  --deployed FILE              output of: aws cloudformation describe-stacks --region us-east-1
                               --stack-name cloudfront-hls --query 'Stacks[0].Parameters' (- for stdin)
  --public-key-pem FILE|none   the PublicKeyPem you will deploy (none: empty the slot; omitted: unchanged)
  --second-public-key-pem ...  the same for SecondPublicKeyPem
  --signing-key-slot 1|2       the SigningKeySlot you will deploy (omitted: unchanged)

Exit code 0: safe to deploy; 1: a problem (printed); 2: bad usage.
`;

async function readPem(value: string | undefined): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (value === 'none') return '';
  try {
    return await readFile(value, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${value}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

export const checkKeysCommand: Command = {
  name: 'check-keys',
  summary: 'Check a key rotation step before deploying (no in-place public key change)',
  help: HELP,
  async run(argv, io) {
    const values = parseOptions(argv, {
      deployed: { type: 'string' },
      'public-key-pem': { type: 'string' },
      'second-public-key-pem': { type: 'string' },
      'signing-key-slot': { type: 'string' },
    });
    if (values.deployed === undefined) throw new UsageError('--deployed is required');
    const slot = values['signing-key-slot'];
    if (slot !== undefined && slot !== '1' && slot !== '2') throw new UsageError('--signing-key-slot must be 1 or 2');
    let text: string;
    try {
      text = values.deployed === '-' ? (await readAll(io.stdin)).toString('utf8') : await readFile(values.deployed, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --deployed ${values.deployed}: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError('--deployed is not JSON (use --output json)');
    }
    const next: KeySlots = {};
    const first = await readPem(values['public-key-pem']);
    const second = await readPem(values['second-public-key-pem']);
    if (first !== undefined) next.PublicKeyPem = first;
    if (second !== undefined) next.SecondPublicKeyPem = second;
    if (slot !== undefined) next.SigningKeySlot = slot;
    const problems = keySlotProblems(deployedSlots(json), next);
    if (problems.length === 0) {
      io.stdout.write('ok: this key change is one CloudFormation can perform\n');
      return 0;
    }
    for (const p of problems) io.stderr.write(`cloudfront-hls check-keys: ${p}\n`);
    return 1;
  },
};
