import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertNoNestedTitles } from '../../src/service/catalog.js';
import { loadConfig } from '../../src/service/config.js';
import { ConfigError } from '../../src/errors.js';
import { createSignerService } from '../../src/service/service.js';
import { LocalEdgeConfigError, startLocalEdge } from '../../src/local-edge/index.js';
import { globMatch } from '../../src/signer/wildcard.js';
import { ensureBuilt } from '../helpers/build.js';
import { signerEnv } from './helpers.js';

const root = join(__dirname, '..', '..');

describe('a signer catalog never holds a title inside another title', () => {
  it('because a folder policy covers every subfolder: /movies/42/* matches /movies/42/bonus/...', () => {
    expect(globMatch('https://d.example/movies/42/*', 'https://d.example/movies/42/bonus/master.m3u8')).toBe(true);
  });

  it('accepts sibling titles, including one whose id is a prefix of another\'s name', () => {
    expect(() => assertNoNestedTitles({ 'movies/4': '/movies/4/', 'movies/42': '/movies/42/', 'movies/42-bonus': '/movies/42-bonus/' })).not.toThrow();
  });

  it.each([
    [{ 'movies/42': '/movies/42/', 'movies/42/bonus': '/movies/42/bonus/' }, /title "movies\/42\/bonus" \(\/movies\/42\/bonus\/\) is inside title "movies\/42" \(\/movies\/42\/\): a URL signed for movies\/42 \(Resource \/movies\/42\/\*\) would also play movies\/42\/bonus/],
    [{ 'movies/42/bonus': '/movies/42/bonus/', 'movies/42': '/movies/42/' }, /"movies\/42\/bonus".*inside title "movies\/42"/],
    [{ library: '/', 'movies/42': '/movies/42/' }, /title "movies\/42" \(\/movies\/42\/\) is inside title "library" \(\/\)/],
  ])('refuses %j with a ConfigError naming both titles', (titles, message) => {
    expect(() => assertNoNestedTitles(titles)).toThrow(ConfigError);
    expect(() => assertNoNestedTitles(titles)).toThrow(message);
  });

  it('is checked when the service is created with a catalog, not per request', () => {
    const config = loadConfig(signerEnv());
    const deps = { config, keys: { getKey: () => Promise.reject(new Error('unused')) }, authenticate: () => Promise.resolve({ ok: false as const, reason: 'missing' as const }) };
    expect(() => createSignerService({ ...deps, local: { titles: { 'movies/42': '/movies/42/', 'movies/42/bonus': '/movies/42/bonus/' } } })).toThrow(ConfigError);
    expect(() => createSignerService({ ...deps, local: { titles: { 'movies/42': '/movies/42/' } } })).not.toThrow();
  });

  it('the local edge refuses to start on an origin folder with nested titles, naming them', async () => {
    ensureBuilt();
    const dir = mkdtempSync(join(tmpdir(), 'cfhls-nested-'));
    try {
      cpSync(join(root, 'sample'), join(dir, 'movies', '42'), { recursive: true });
      cpSync(join(root, 'sample'), join(dir, 'movies', '42', 'bonus'), { recursive: true });
      const started = startLocalEdge({ port: 0, origin: dir });
      await expect(started).rejects.toThrow(LocalEdgeConfigError);
      await expect(startLocalEdge({ port: 0, origin: dir })).rejects.toThrow(/the origin's titles: title "movies\/42\/bonus" \(\/movies\/42\/bonus\/\) is inside title "movies\/42"/);
      // A master playlist at the root makes the root a title that holds every other one.
      rmSync(join(dir, 'movies', '42', 'bonus'), { recursive: true });
      writeFileSync(join(dir, 'master.m3u8'), '#EXTM3U\n');
      await expect(startLocalEdge({ port: 0, origin: dir })).rejects.toThrow(/title "movies\/42" \(\/movies\/42\/\) is inside title "cfhls-nested-\w+" \(\/\)/);
      rmSync(join(dir, 'master.m3u8'));
      const edge = await startLocalEdge({ port: 0, origin: dir });
      expect(edge.signer!.titles).toEqual({ 'movies/42': '/movies/42/' });
      await edge.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
