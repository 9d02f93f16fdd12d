import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CloudFrontResponseEvent } from 'aws-lambda';
import { handler } from '../../src/edge/origin-response.js';
import { setLogSink } from '../../src/edge/log.js';
import { ORIGIN_CACHE_MAX_BYTES } from '../../src/edge/config.js';
import { OriginBodyCache, originCache, readThrough, strongValidator } from '../../src/edge/origin-cache.js';
import type { FetchedBody } from '../../src/edge/fetch-body.js';
import { atLocalCustomOrigin, bodyText, loadEvent } from '../helpers/events.js';
import { playlistAnswer, startPlaylistOriginForSuite } from '../helpers/playlist-origin.js';
import { atEndpoint, md5Etag, s3Object, startFaultyS3, useCredentials } from '../helpers/s3.js';
import type { FaultyS3 } from '../helpers/s3.js';

const cf = (e: CloudFrontResponseEvent) => e.Records[0]!.cf;
const playlist = (n: number): string => `#EXTM3U\n#EXT-X-TARGETDURATION:4\n#EXTINF:4,\nseg${n}.ts\n#EXT-X-ENDLIST\n`;
const bytes = (n: number): Buffer => Buffer.alloc(n, 0x61);

describe('strong validators', () => {
  it.each([
    ['"abc"', undefined, '"abc"'],
    ['"abc-3"', undefined, '"abc-3"'],
    ['"abc"', 'v1', '"abc" v1'],
    ['W/"abc"', undefined, undefined],
    ['W/"abc"', 'v1', undefined],
    ['', undefined, undefined],
    [undefined, 'v1', undefined],
  ])('ETag %s with version id %s gives %s', (etag, versionId, expected) => {
    expect(strongValidator(etag, versionId)).toBe(expected);
  });
});

describe('the origin body cache', () => {
  it('answers only for the validator the bytes were stored under', () => {
    const cache = new OriginBodyCache(1000);
    cache.set('k', '"v1"', bytes(10));
    expect(cache.get('k', '"v1"')).toEqual(bytes(10));
    expect(cache.get('k', '"v2"')).toBeUndefined();
    expect(cache.get('other', '"v1"')).toBeUndefined();
  });

  it('keeps one version per key: a new validator replaces the old bytes', () => {
    const cache = new OriginBodyCache(1000);
    cache.set('k', '"v1"', bytes(10));
    cache.set('k', '"v2"', bytes(20));
    expect(cache.get('k', '"v1"')).toBeUndefined();
    expect(cache.get('k', '"v2"')).toHaveLength(20);
    expect(cache.bytes).toBe(20);
  });

  it('evicts the least recently used entries when the bytes would exceed its bound', () => {
    const cache = new OriginBodyCache(100);
    cache.set('a', '"a"', bytes(40));
    cache.set('b', '"b"', bytes(40));
    cache.get('a', '"a"'); // a is now the most recently used
    cache.set('c', '"c"', bytes(40));
    expect(cache.keys()).toEqual(['a', 'c']);
    expect(cache.bytes).toBe(80);
    cache.set('d', '"d"', bytes(90));
    expect(cache.keys()).toEqual(['d']);
    expect(cache.bytes).toBe(90);
  });

  it('never stores an entry larger than its whole bound', () => {
    const cache = new OriginBodyCache(100);
    cache.set('a', '"a"', bytes(40));
    cache.set('big', '"big"', bytes(101));
    expect(cache.keys()).toEqual(['a']);
  });

  it('has a default bound that holds the largest origin playlist accepted (16 MB) several times', () => {
    expect(ORIGIN_CACHE_MAX_BYTES).toBeGreaterThanOrEqual(3 * 16 * 1_048_576);
    expect(originCache.maxBytes).toBe(ORIGIN_CACHE_MAX_BYTES);
  });
});

describe('reading through the cache', () => {
  let cache: OriginBodyCache;
  let calls: number;
  const fetchOf = (body: FetchedBody) => async (): Promise<FetchedBody> => {
    calls++;
    return body;
  };
  beforeEach(() => {
    cache = new OriginBodyCache(1000);
    calls = 0;
  });

  it('fetches on a miss, stores under the fetched validator, and answers the next matching event from memory', async () => {
    expect((await readThrough('k', '"v1"', fetchOf({ bytes: bytes(5), etag: '"v1"' }), cache)).read).toBe('fetched');
    const hit = await readThrough('k', '"v1"', fetchOf({ bytes: bytes(6), etag: '"v1"' }), cache);
    expect(hit.read).toBe('hit');
    expect(hit.body.bytes).toHaveLength(5);
    expect(calls).toBe(1);
  });

  it('stores bytes under the validator they came with, not the event\'s (the object changed in between)', async () => {
    await readThrough('k', '"old"', fetchOf({ bytes: bytes(7), etag: '"new"' }), cache);
    expect((await readThrough('k', '"old"', fetchOf({ bytes: bytes(8), etag: '"new"' }), cache)).read).toBe('fetched');
    const hit = await readThrough('k', '"new"', fetchOf({ bytes: bytes(9) }), cache);
    expect(hit.read).toBe('hit');
    expect(hit.body.bytes).toHaveLength(8);
  });

  it('never answers from memory when the event has no strong validator', async () => {
    await readThrough('k', '"v1"', fetchOf({ bytes: bytes(5), etag: '"v1"' }), cache);
    expect((await readThrough('k', undefined, fetchOf({ bytes: bytes(5), etag: '"v1"' }), cache)).read).toBe('fetched');
    expect(calls).toBe(2);
  });

  it('stores nothing fetched with a weak or missing ETag', async () => {
    await readThrough('weak', undefined, fetchOf({ bytes: bytes(5), etag: 'W/"v1"' }), cache);
    await readThrough('none', undefined, fetchOf({ bytes: bytes(5) }), cache);
    expect(cache.keys()).toEqual([]);
  });

  it('shares one fetch among concurrent calls for one key and validator', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const slow = async (): Promise<FetchedBody> => {
      calls++;
      await gate;
      return { bytes: bytes(3), etag: '"v1"' };
    };
    const all = Promise.all(Array.from({ length: 10 }, () => readThrough('k', '"v1"', slow, cache)));
    release();
    const results = await all;
    expect(calls).toBe(1);
    expect(results.map((r) => r.read).sort()).toEqual(['fetched', ...Array<string>(9).fill('joined')]);
  });

  it('caches no failure: the next call fetches again', async () => {
    const failing = async (): Promise<FetchedBody> => {
      calls++;
      throw new Error('S3 down');
    };
    await expect(readThrough('k', '"v1"', failing, cache)).rejects.toThrow('S3 down');
    expect((await readThrough('k', '"v1"', fetchOf({ bytes: bytes(2), etag: '"v1"' }), cache)).read).toBe('fetched');
    expect(calls).toBe(2);
  });
});

describe('origin-response with a warm instance', () => {
  let s3: FaultyS3;
  const custom = startPlaylistOriginForSuite(playlistAnswer(playlist(1), { ETag: '"c1"' }));
  let restoreEnv: () => void;
  let restoreSink: (line: string) => void;

  beforeAll(async () => {
    s3 = await startFaultyS3();
    restoreEnv = useCredentials();
    restoreSink = setLogSink(() => undefined);
  });
  afterAll(async () => {
    setLogSink(restoreSink);
    restoreEnv();
    await s3.close();
  });
  beforeEach(() => {
    originCache.clear();
    s3.requests.length = 0;
  });

  /** The recorded S3 event as CloudFront hands it over after reading an object with this ETag. */
  function s3Event(etag: string | undefined, uri = '/movies/42/master.m3u8'): CloudFrontResponseEvent {
    const event = atEndpoint(loadEvent('origin-response/s3-playlist-200'), s3.endpoint);
    cf(event).request.uri = uri;
    if (etag === undefined) delete cf(event).response.headers.etag;
    else cf(event).response.headers.etag = [{ key: 'ETag', value: etag }];
    return event;
  }

  function customEvent(etag: string | undefined): CloudFrontResponseEvent {
    const event = atLocalCustomOrigin(loadEvent('origin-response/custom-playlist-200'), custom.port);
    if (etag === undefined) delete cf(event).response.headers.etag;
    else cf(event).response.headers.etag = [{ key: 'ETag', value: etag }];
    return event;
  }

  it('reads an S3 playlist once, then rewrites it for every later viewer from memory', async () => {
    const text = playlist(1);
    s3.otherwise = s3Object(text);
    for (let i = 0; i < 5; i++) {
      const event = s3Event(md5Etag(text));
      const viewerPolicy = `Policy-PREFIX=viewer${i}`;
      cf(event).request.querystring = cf(event).request.querystring.replace(/Policy-PREFIX=[^&]*/, viewerPolicy);
      const response = await handler(event);
      expect(response.headers['x-cfhls-rewrite']?.[0]?.value).toBe('rewritten');
      // Each viewer gets its own credentials: only origin bytes come from memory.
      expect(bodyText(response)).toContain(`seg1.ts?Policy=viewer${i}&`);
    }
    expect(s3.requests).toHaveLength(1);
  });

  it('serves a changed S3 object at once: a new ETag in the event misses and reads S3', async () => {
    s3.otherwise = s3Object(playlist(1));
    await handler(s3Event(md5Etag(playlist(1))));
    s3.otherwise = s3Object(playlist(2));
    const response = await handler(s3Event(md5Etag(playlist(2))));
    expect(bodyText(response)).toContain('seg2.ts?');
    expect(bodyText(response)).not.toContain('seg1.ts');
    expect(s3.requests).toHaveLength(2);
  });

  it('keys on S3\'s version id too where the bucket is versioned', async () => {
    const text = playlist(3);
    s3.otherwise = s3Object(text, { 'x-amz-version-id': 'v-one' });
    const versioned = (id: string): CloudFrontResponseEvent => {
      const event = s3Event(md5Etag(text));
      cf(event).response.headers['x-amz-version-id'] = [{ key: 'x-amz-version-id', value: id }];
      return event;
    };
    await handler(versioned('v-one'));
    await handler(versioned('v-one'));
    expect(s3.requests).toHaveLength(1);
    await handler(versioned('v-two')); // same bytes, same ETag, another version: not known to be the same object
    expect(s3.requests).toHaveLength(2);
  });

  it('reads S3 every time when the event carries no ETag or a weak one', async () => {
    s3.otherwise = s3Object(playlist(1));
    await handler(s3Event(undefined));
    await handler(s3Event(undefined));
    await handler(s3Event(`W/${md5Etag(playlist(1))}`));
    await handler(s3Event(`W/${md5Etag(playlist(1))}`));
    expect(s3.requests).toHaveLength(4);
  });

  it('keeps playlists of different keys apart', async () => {
    s3.otherwise = (req, res) => s3Object(playlist(req.url!.includes('720p') ? 720 : 1080))(req, res);
    const a = await handler(s3Event(md5Etag(playlist(720)), '/movies/42/720p/index.m3u8'));
    const b = await handler(s3Event(md5Etag(playlist(1080)), '/movies/42/1080p/index.m3u8'));
    const a2 = await handler(s3Event(md5Etag(playlist(720)), '/movies/42/720p/index.m3u8'));
    expect(bodyText(a)).toContain('seg720.ts');
    expect(bodyText(b)).toContain('seg1080.ts');
    expect(bodyText(a2)).toContain('seg720.ts');
    expect(s3.requests).toHaveLength(2);
  });

  it('sends one S3 request for concurrent viewers of one playlist on one instance', async () => {
    const text = playlist(5);
    s3.otherwise = (req, res) => setTimeout(() => s3Object(text)(req, res), 50);
    const responses = await Promise.all(Array.from({ length: 8 }, () => handler(s3Event(md5Etag(text)))));
    for (const r of responses) expect(bodyText(r)).toContain('seg5.ts?Policy=');
    expect(s3.requests).toHaveLength(1);
  });

  it('reads a custom origin once per strong ETag and every time without one', async () => {
    await handler(customEvent('"c1"'));
    const warm = await handler(customEvent('"c1"'));
    expect(bodyText(warm)).toContain('seg1.ts?Policy=');
    expect(custom.seen).toHaveLength(1);
    custom.answer(playlistAnswer(playlist(2), { ETag: '"c2"' }));
    expect(bodyText((await handler(customEvent('"c2"'))))).toContain('seg2.ts?Policy=');
    expect(custom.seen).toHaveLength(2);
    custom.answer(playlistAnswer(playlist(2)));
    await handler(customEvent(undefined));
    await handler(customEvent(undefined));
    expect(custom.seen).toHaveLength(4);
  });
});
