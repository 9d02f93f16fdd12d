/**
 * CPU profile of the rewriter on one workload, for finding hotspots. Bundle first so line numbers are real:
 *   npx esbuild bench/profile-rewriter.ts --bundle --platform=node --format=esm --outfile=/tmp/cfhls-prof.mjs
 *   node --cpu-prof --cpu-prof-dir=/tmp/cfhls-prof /tmp/cfhls-prof.mjs [vod|llhls] [segments] [seconds]
 *   node bench/cpuprofile-summary.mjs /tmp/cfhls-prof/<file>.cpuprofile
 */
import { rewritePlaylistDetailed } from '../src/rewriter/index.js';
import { llHlsPlaylist, signedUrl, vodPlaylist } from './generate.js';
import { consume } from './stats.js';

const kind = process.argv[2] ?? 'vod';
const segments = Number(process.argv[3] ?? 20_000);
const seconds = Number(process.argv[4] ?? 5);
const text = kind === 'llhls' ? llHlsPlaylist(segments) : vodPlaylist(segments);
const url = signedUrl('1080p/index.m3u8');
const end = Date.now() + seconds * 1000;
let calls = 0;
while (Date.now() < end) {
  consume(rewritePlaylistDetailed(text, { url }).text);
  calls++;
}
process.stdout.write(`${calls} ${kind} rewrites of ${segments} segments in ${seconds} s: ${((seconds * 1000) / calls).toFixed(2)} ms each\n`);
