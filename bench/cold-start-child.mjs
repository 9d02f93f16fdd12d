// Runs in a fresh node process: imports one bundle, serves one event, prints the timings on one marked line.
// Plain JS on purpose: no TypeScript loader may add its own start-up cost to the figure.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

// argv: bundle ('-' for none), event file, and for origin-response the bench's fake S3 endpoint.
const [bundle, eventFile, fakeS3] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const t0 = performance.now();
const mod = bundle === '-' ? { handler: async () => ({}) } : await import(pathToFileURL(bundle).href);
const t1 = performance.now();
// Within the first call's time, as loading node:https is when the bundle reads S3 for real.
if (fakeS3 !== undefined) (await import('./fake-s3-route.mjs')).routeHttpsTo(fakeS3);
const result = await mod.handler(event);
const t2 = performance.now();
const status = result?.status ?? (result?.uri ? 'request' : '?');
const rewrite = result?.headers?.['x-cfhls-rewrite']?.[0]?.value ?? '';
process.stdout.write(`\nCFHLS_BENCH ${JSON.stringify({ bootMs: t0, importMs: t1 - t0, firstCallMs: t2 - t1, status, rewrite })}\n`);
