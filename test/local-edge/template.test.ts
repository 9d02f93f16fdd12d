import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTemplateText } from '../../src/local-edge/template/cfn-yaml.js';
import { LocalEdgeConfigError } from '../../src/errors.js';
import { playlistKeyQueryStrings } from '../../src/cloudfront/index.js';
import { loadTemplate, modelTemplate } from '../../src/local-edge/template/template.js';

const fixture = join(__dirname, '..', 'fixtures', 'local-edge', 'template.yaml');
const fixtureText = readFileSync(fixture, 'utf8');
const edit = (from: string, to: string): Record<string, unknown> => {
  if (!fixtureText.includes(from)) throw new Error(`fixture has no "${from}"`);
  return parseTemplateText(fixtureText.replace(from, to));
};

describe('the template loader', () => {
  it('orders behaviors as CloudFront evaluates them, default last', () => {
    const m = loadTemplate(fixture);
    expect(m.behaviors.map((b) => b.pathPattern)).toEqual(['*.m3u8', '/api/*', '*']);
    expect(m.behaviors.at(-1)!.isDefault).toBe(true);
  });

  it('requires signed URLs on every media behavior with trusted key groups', () => {
    const [playlists, api, segments] = loadTemplate(fixture).behaviors;
    expect(playlists!.requiresSignature).toBe(true);
    expect(segments!.requiresSignature).toBe(true);
    expect(api!.requiresSignature).toBe(false);
  });

  it('maps Lambda@Edge associations to the built bundles through Metadata.BuildProperties.EntryPoints', () => {
    const playlists = loadTemplate(fixture).behaviors[0]!;
    expect(playlists.functions.map((f) => [f.eventType, f.functionId, f.bundle])).toEqual([
      ['viewer-request', 'ViewerRequestFunction', 'dist/functions/lambda-edge-viewer-request/index.mjs'],
      ['origin-response', 'OriginResponseFunction', 'dist/functions/lambda-edge-origin-response/index.mjs'],
    ]);
  });

  it('reads the managed CachingDisabled policy, the playlist origin request policy and the custom segment cache policy', () => {
    const [playlists, , segments] = loadTemplate(fixture).behaviors;
    expect(playlists!.cachePolicy.disabled).toBe(true);
    expect(playlists!.originRequestPolicy?.queryStrings).toEqual({ behavior: 'whitelist', names: ['Policy-PREFIX', 'Signature-PREFIX', 'Key-Pair-Id-PREFIX', 'Hash-Algorithm-PREFIX'] });
    expect(segments!.cachePolicy).toMatchObject({ disabled: false, minTtl: 1, defaultTtl: 86400, queryStrings: { behavior: 'none' } });
  });

  it('reads CORS from the response headers policy with the parameter default for origins', () => {
    const cors = loadTemplate(fixture).behaviors[0]!.responseHeadersPolicy?.cors;
    expect(cors).toMatchObject({ allowOrigins: ['*'], allowMethods: ['GET', 'HEAD', 'OPTIONS'], exposeHeaders: ['X-Cfhls-Rewrite'], maxAgeSec: 600 });
  });

  it('applies parameter overrides (origin custom header and CORS origins)', () => {
    const m = loadTemplate(fixture, { parameters: { AlternateDomainNames: 'video.example.com', AllowedPlayerOrigins: 'https://player.example' } });
    expect(m.behaviors[0]!.origin.customHeaders['x-cfhls-allow-hosts']).toBe('video.example.com');
    expect(m.behaviors[0]!.responseHeadersPolicy?.cors?.allowOrigins).toEqual(['https://player.example']);
  });

  it('carries SteeringHosts of the real template to origin-response only when it is set', () => {
    const real = join(__dirname, '..', '..', 'template.yaml');
    const playlists = (parameters: Record<string, string>) => loadTemplate(real, { parameters }).behaviors.find((b) => b.pathPattern === '*.m3u8')!;
    expect(playlists({}).origin.customHeaders['x-cfhls-steering-hosts']).toBeUndefined();
    expect(playlists({ SteeringHosts: 'video.example.com' }).origin.customHeaders['x-cfhls-steering-hosts']).toBe('video.example.com');
  });

  it('recognizes the signer behavior as a Lambda function URL origin', () => {
    const api = loadTemplate(fixture).behaviors[1]!;
    expect(api.origin).toMatchObject({ kind: 'lambda-url', functionId: 'SignUrlFunction' });
  });

  it('refuses an unknown managed cache policy id, naming the behavior', () => {
    expect(() => modelTemplate(edit('CachePolicyId: 4135ea2d-6df8-44a3-9df3-4b5a84be39ad\n            OriginRequestPolicyId: !Ref', 'CachePolicyId: 00000000-0000-0000-0000-000000000000\n            OriginRequestPolicyId: !Ref')))
      .toThrow(/CacheBehaviors\[0\]\.CachePolicyId "00000000-0000-0000-0000-000000000000" is not a managed policy/);
  });

  it('refuses CloudFront Functions on a media behavior instead of ignoring them', () => {
    const t = edit('          CachePolicyId: !Ref SegmentCachePolicy\n', '          CachePolicyId: !Ref SegmentCachePolicy\n          FunctionAssociations: [{EventType: viewer-request, FunctionARN: arn:x}]\n');
    expect(() => modelTemplate(t)).toThrow(LocalEdgeConfigError);
    expect(() => modelTemplate(t)).toThrow(/DefaultCacheBehavior\.FunctionAssociations/);
  });

  it('refuses legacy ForwardedValues', () => {
    const t = edit('          CachePolicyId: !Ref SegmentCachePolicy\n', '          ForwardedValues: {QueryString: true}\n');
    expect(() => modelTemplate(t)).toThrow(/ForwardedValues/);
  });

  it('refuses a function without an esbuild entry point, naming the function', () => {
    const t = edit('        EntryPoints: [src/functions/lambda-edge-viewer-request/index.ts]\n', '        EntryPoints: [lib/viewer.ts]\n');
    expect(() => modelTemplate(t)).toThrow(/ViewerRequestFunction\.Metadata\.BuildProperties\.EntryPoints/);
  });

  it('refuses a query string behavior it cannot model', () => {
    const t = edit('QueryStringsConfig: { QueryStringBehavior: none }', 'QueryStringsConfig: { QueryStringBehavior: sometimes }');
    expect(() => modelTemplate(t)).toThrow(/SegmentCachePolicy .*QueryStringBehavior "sometimes"/);
  });

  it('loads the real template.yaml of this repository', () => {
    const m = loadTemplate(join(__dirname, '..', '..', 'template.yaml'));
    const playlists = m.behaviors.find((b) => b.pathPattern === '*.m3u8')!;
    expect(playlists.requiresSignature).toBe(true);
    // Cached under a key holding every suffixed credential copy and the LL-HLS directives (src/cloudfront/params.ts).
    expect(playlists.cachePolicy.disabled).toBe(false);
    expect(playlists.cachePolicy.queryStrings).toEqual({ behavior: 'whitelist', names: playlistKeyQueryStrings() });
    expect(playlists.functions.map((f) => f.eventType).sort()).toEqual(['origin-response', 'viewer-request']);
    expect(m.behaviors.at(-1)!.requiresSignature).toBe(true);
  });
});
