/** The check's options for the hostile oracle's viewer, shared by the checker tests. */
import type { CheckOptions } from '../../src/checker/index.js';
import { ALLOW_HOSTS, CREDS, VIEWER_URL } from '../hostile/oracle.js';

/** The raw value of one param of the oracle's credentials. */
export const credentialValue = (name: string): string => CREDS.split('&').find((p) => p.startsWith(`${name}=`))!.slice(name.length + 1);

export const CHECK_OPTIONS: CheckOptions = {
  playlistUrl: new URL(VIEWER_URL),
  allowedHosts: new Set(ALLOW_HOSTS),
  secrets: [credentialValue('Policy'), credentialValue('Signature')],
  written: CREDS,
  credentialNames: new Set(['policy', 'signature', 'key-pair-id', 'hash-algorithm', 'expires']),
};
