/**
 * `cloudfront-hls serve`: the local edge (a stand-in for the distribution in template.yaml) on 127.0.0.1.
 * `npm start` runs it without arguments: dev key pair in .dev-keys/, the sample stream, a signed master URL, and
 * the signer at /api/* with a dev viewer token.
 */
import { UsageError } from '../../errors.js';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadPublicKey } from '../../signer/index.js';
import { discoverTitles, ensureDevKeys, projectRoot, selectBehavior, startLocalEdge } from '../../local-edge/index.js';
import type { AccessLogEntry, DistributionModel, LocalEdge, LocalEdgeOptions } from '../../local-edge/index.js';
import type { CliIo, Command } from '../command.js';

const HELP = `Usage: cloudfront-hls serve [options]

Runs the distribution from template.yaml on this machine: signed-URL checks (403 with CloudFront's XML),
the built Lambda@Edge bundles (dist/functions/*), cache policies, CORS, and an origin (a folder, or an S3
bucket on a local S3-compatible server). The signer behavior (/api/*) is served too: its CloudFront Function
from the template, then the signer service with the dev key and a dev OIDC issuer (a viewer token is printed,
with a curl line). Prints a signed master URL, an unsigned URL that must fail, and a player page. Ctrl-C stops it.

Options:
  --port N                 port on 127.0.0.1 (default 8080; 0 = any free port). The address is printed on a
                           line of its own starting with "listening ".
  --origin DIR|s3://BUCKET|http(s)://HOST[:PORT][/PATH]
                           the origin (default: the sample stream in sample/). s3:// without --s3-endpoint
                           starts a local S3 server and uploads the sample stream into BUCKET. http(s)://
                           fronts a running HTTP server (a live packager) as a custom origin.
  --s3-endpoint URL        an S3-compatible endpoint for --origin s3://BUCKET; the origin-response bundle's
                           reads reach it with the bucket's S3 host in Host (virtual-hosted, as in AWS)
  --template FILE          CloudFormation/SAM template (default: template.yaml)
  --param NAME=VALUE       template parameter override (repeatable); the name must be a parameter of the
                           template and the value one of its AllowedValues, as CloudFormation checks them.
                           --param ViewerRequestKind=cloudfront-function runs the viewer-request rule as the
                           CloudFront Function instead of Lambda@Edge (the startup lines say which runs)
  --public-key FILE        trusted public key PEM (repeatable; pairs with --key-pair-id in order).
                           Default: the dev key pair in .dev-keys/, generated on first run.
  --key-pair-id ID         Key-Pair-Id of the --public-key at the same position
  --master PATH            the master playlist path to sign and print (default /master.m3u8; with a folder of
                           titles as --origin, the first master found, and the others are listed)
  --ttl SECONDS            lifetime of the printed signed URL and dev viewer token (default 43200 = 12 h)
  --quiet                  no access log or signer log lines
  -h, --help               this help

Examples:
  npm start
  cloudfront-hls serve --port 0 --origin ./my-title --master /master.m3u8
  cloudfront-hls serve --origin s3://media --s3-endpoint http://127.0.0.1:9000
  cloudfront-hls serve --origin http://127.0.0.1:9100/live --master /channel1/master.m3u8
`;

function logLine(entry: AccessLogEntry): string {
  const credentials = entry.signed ? `signed(${entry.credentials})` : entry.unprotected ? 'unsigned(not required)' : 'unsigned';
  return `${entry.time.slice(11, 23)} ${entry.method} ${entry.path} ${entry.status}${entry.denied ? ` ${entry.denied}` : ''} ${credentials} cache=${entry.cache} behavior=${entry.behavior} ${entry.ms}ms\n`;
}

/** The command line, validated. */
interface ServeSettings {
  port: number;
  ttl: number;
  /** `--master`; undefined: /master.m3u8, or the masters found in a folder origin. */
  master: string | undefined;
  parameters: Record<string, string>;
  template: string | undefined;
  origin: string | undefined;
  s3Endpoint: string | undefined;
  /** `--public-key` files paired with `--key-pair-id`s. */
  publicKeys: Array<{ file: string; keyPairId: string }>;
  quiet: boolean;
}

function parseServeArgs(argv: string[]): ServeSettings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: 'string' },
      origin: { type: 'string' },
      's3-endpoint': { type: 'string' },
      template: { type: 'string' },
      param: { type: 'string', multiple: true },
      'public-key': { type: 'string', multiple: true },
      'key-pair-id': { type: 'string', multiple: true },
      master: { type: 'string' },
      ttl: { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  const port = values.port === undefined ? 8080 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not "${values.port}"`);
  const ttl = values.ttl === undefined ? 43200 : Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl <= 0) throw new UsageError('--ttl must be a positive number of seconds');
  if (values['s3-endpoint'] !== undefined && !values.origin?.startsWith('s3://')) throw new UsageError('--s3-endpoint needs --origin s3://BUCKET');
  const master = values.master;
  if (master !== undefined && !master.startsWith('/')) throw new UsageError('--master must be a path starting with /');
  const parameters: Record<string, string> = {};
  for (const param of values.param ?? []) {
    const eq = param.indexOf('=');
    if (eq <= 0) throw new UsageError(`--param must be NAME=VALUE, not "${param}"`);
    parameters[param.slice(0, eq)] = param.slice(eq + 1);
  }
  const publicKeyFiles = values['public-key'] ?? [];
  const keyPairIds = values['key-pair-id'] ?? [];
  if (publicKeyFiles.length !== keyPairIds.length) throw new UsageError('give one --key-pair-id for each --public-key');
  return {
    port, ttl, master, parameters,
    template: values.template, origin: values.origin, s3Endpoint: values['s3-endpoint'],
    publicKeys: publicKeyFiles.map((file, i) => ({ file, keyPairId: keyPairIds[i]! })),
    quiet: values.quiet === true,
  };
}

/** The local edge's options; `devKeyNote` says where the dev key pair is when no public key was given. */
function edgeOptionsFor(settings: ServeSettings, root: string, io: CliIo): { options: LocalEdgeOptions; devKeyNote: string | undefined } {
  const options: LocalEdgeOptions = { root, port: settings.port, parameters: settings.parameters };
  if (settings.template !== undefined) options.template = resolve(settings.template);
  if (settings.origin !== undefined) options.origin = settings.origin.startsWith('s3://') ? settings.origin : resolve(settings.origin);
  if (settings.s3Endpoint !== undefined) options.s3Endpoint = settings.s3Endpoint;
  let devKeyNote: string | undefined;
  if (settings.publicKeys.length > 0) {
    const keys: Record<string, string> = {};
    for (const { file, keyPairId } of settings.publicKeys) {
      const pem = readFileSync(resolve(file), 'utf8');
      loadPublicKey(pem); // fails early, naming no key material
      keys[keyPairId] = pem;
    }
    options.keys = keys;
  } else {
    const dev = ensureDevKeys(join(process.cwd(), '.dev-keys'));
    options.keys = { [dev.keyPairId]: dev.publicKeyPem };
    options.signingKey = { keyPairId: dev.keyPairId, privateKeyPem: dev.privateKeyPem };
    devKeyNote = `dev key pair ${dev.created ? 'generated in' : 'from'} ${relative(process.cwd(), dev.dir) || dev.dir}/ (Key-Pair-Id ${dev.keyPairId}; local use only)`;
  }
  if (!settings.quiet) {
    options.onRequest = (entry) => io.stdout.write(logLine(entry));
    options.onSignerLog = (record) => io.stdout.write(`  signer: ${JSON.stringify(record)}\n`);
  }
  options.devTokenTtlSeconds = settings.ttl;
  return { options, devKeyNote };
}

/** Which viewer-request function runs on `path` (template parameter ViewerRequestKind chooses in template.yaml). */
export function viewerRequestKindLine(model: DistributionModel, path: string): string {
  const behavior = selectBehavior(model.behaviors, path);
  const cf = behavior.cloudFrontFunctions.find((f) => f.eventType === 'viewer-request');
  if (cf !== undefined) return `viewer-request on ${path}: CloudFront Function ${cf.functionId} (${cf.runtime})`;
  const lambda = behavior.functions.find((f) => f.eventType === 'viewer-request');
  if (lambda !== undefined) return `viewer-request on ${path}: Lambda@Edge ${lambda.functionId} (${lambda.bundle})`;
  return `viewer-request on ${path}: none`;
}

const DEFAULT_MASTER = '/master.m3u8';

/**
 * The master playlist to sign: `--master`, else /master.m3u8 when a folder origin has it at its root (or the
 * origin is not a folder), else the masters found in the folder's titles, the first one signed.
 */
export function mastersToPrint(settings: Pick<ServeSettings, 'master' | 'origin'>, folder: string | undefined): { master: string; found: string[] } {
  if (settings.master !== undefined || folder === undefined) return { master: settings.master ?? DEFAULT_MASTER, found: [] };
  const found = Object.values(discoverTitles(folder, 'master.m3u8')).map((titleFolder) => `${titleFolder}master.m3u8`);
  if (found.length === 0 || found.includes(DEFAULT_MASTER)) return { master: DEFAULT_MASTER, found: [] };
  return { master: found[0]!, found };
}

/** What to open or paste: the signed master URL, a URL that must fail, the player, the signer and its dev token. */
function printStartup(edge: LocalEdge, settings: ServeSettings, canSign: boolean, out: (line: string) => void): void {
  const { ttl } = settings;
  const folder = settings.origin === undefined || settings.origin.startsWith('s3://') ? undefined : resolve(settings.origin);
  const { master, found } = mastersToPrint(settings, folder);
  out(`listening ${edge.url}`);
  out(viewerRequestKindLine(edge.model, master));
  if (found.length > 0) out(`no ${DEFAULT_MASTER} at the origin's root; masters found (${found.length}): ${found.join(', ')}`);
  if (canSign) {
    const signed = edge.sign(master, { expires: Math.floor(Date.now() / 1000) + ttl });
    out(`signed master URL (valid ${Math.round(ttl / 3600)} h): ${signed}`);
    out(`unsigned URL (must fail with 403): ${edge.url}${master}`);
    out(`player: ${edge.playerUrl}#src=${encodeURIComponent(signed)}`);
  } else {
    out(`unsigned URL (must fail with 403): ${edge.url}${master}`);
    out(`player: ${edge.playerUrl} (paste a URL signed with your private key: cloudfront-hls sign)`);
  }
  const signer = edge.signer;
  if (signer !== undefined) {
    const titleIds = Object.keys(signer.titles ?? {});
    out(`signer: ${signer.signUrl} (viewer JWTs from the dev issuer ${signer.issuer}, audience ${signer.audience})`);
    out(`dev viewer token (valid ${Math.round(ttl / 3600)} h, ${signer.entitlementClaim}: ${titleIds.length > 0 ? titleIds.join(', ') : 'none'}): ${signer.token}`);
    const exampleId = titleIds[0] ?? 'CONTENT_ID';
    out(`try: curl -H "Authorization: Bearer ${signer.token}" "${signer.signUrl}?${signer.contentParam}=${encodeURIComponent(exampleId)}"`);
  }
  out('Ctrl-C stops.');
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Run the distribution locally (signed URLs, edge functions, cache, CORS) on the sample stream or your own',
  help: HELP,
  async run(argv: string[], io: CliIo): Promise<number> {
    const settings = parseServeArgs(argv);
    const root = projectRoot();
    const { options, devKeyNote } = edgeOptionsFor(settings, root, io);
    const edge = await startLocalEdge(options);
    const out = (line: string): unknown => io.stdout.write(`${line}\n`);
    out(`cloudfront-hls local edge: ${relative(process.cwd(), options.template ?? join(root, 'template.yaml'))}, origin ${edge.origin}`);
    if (devKeyNote) out(devKeyNote);
    for (const note of edge.notes) out(`note: ${note}`);
    printStartup(edge, settings, options.signingKey !== undefined, out);
    await untilStopped();
    await edge.close();
    out('stopped');
    return 0;
  },
};
