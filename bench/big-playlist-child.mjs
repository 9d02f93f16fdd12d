// Runs in a fresh node process: imports the origin-response bundle, serves one event, then reports the process's
// peak RSS on one marked line and writes the response body to a file for the parent to check.
// Plain JS on purpose: no TypeScript loader may add its own memory to the figure.
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Peak RSS of this process: VmHWM from /proc/self/status (Linux). Not getrusage's ru_maxrss: Linux keeps that
 * across execve, so a child spawned by a large parent reports the parent's size.
 */
function peakRss() {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // not Linux: fall back to getrusage
  }
  return process.resourceUsage().maxRSS * 1024;
}

const [bundle, eventFile, bodyFile, fakeS3] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const { handler } = await import(pathToFileURL(bundle).href);
// The bench's fake S3 answers the bundle's GetObject (before the baseline RSS below, as node:https loads here).
(await import('./fake-s3-route.mjs')).routeHttpsTo(fakeS3);
const rssBeforeBytes = process.memoryUsage().rss;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const response = await handler(event);
const cpu = process.cpuUsage(cpu0);
const ms = performance.now() - t0;
const peakRssBytes = peakRss();
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
const header = (name) => response?.headers?.[name]?.[0]?.value ?? '';
writeFileSync(bodyFile, response?.body ?? '');
process.stdout.write(`\nCFHLS_BIG ${JSON.stringify({
  status: response?.status,
  rewrite: header('x-cfhls-rewrite'),
  contentEncoding: header('content-encoding'),
  bodyEncoding: response?.bodyEncoding,
  bodyChars: response?.body?.length ?? 0,
  ms,
  cpuMs: (cpu.user + cpu.system) / 1000,
  rssBeforeBytes,
  peakRssBytes,
  maxRssBytes,
})}\n`);
