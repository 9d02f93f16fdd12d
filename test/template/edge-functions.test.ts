/** The two Lambda@Edge functions of template.yaml: the platform's rules, least privilege, and entry points that exist. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgeFunctionProblems } from './edge-function-checks.js';
import { readTemplate, ROOT } from './template-file.js';

const { template, mutate } = readTemplate();

describe('edge functions', () => {
  it('follow the Lambda@Edge rules: no environment, nodejs22.x, version, limits, esbuild, edge role', () => {
    expect(edgeFunctionProblems(template)).toEqual([]);
  });

  it('an Environment on an edge function, directly or through Globals, is caught', () => {
    expect(edgeFunctionProblems(mutate((t) => { t.Resources.OriginResponseFunction.Properties.Environment = { Variables: { A: 'b' } }; })))
      .toEqual(['OriginResponseFunction: has Environment (Lambda@Edge rejects it)']);
    expect(edgeFunctionProblems(mutate((t) => { t.Globals = { Function: { Environment: { Variables: { A: 'b' } } } }; })))
      .toEqual(['Globals.Function.Environment applies to the edge functions too']);
  });

  it('a source map, a wrong runtime, a viewer timeout over 5 s or a role without edgelambda is caught', () => {
    expect(edgeFunctionProblems(mutate((t) => {
      const fn = t.Resources.ViewerRequestFunction;
      fn.Metadata.BuildProperties.Sourcemap = true;
      fn.Properties.Runtime = 'nodejs20.x';
      fn.Properties.Timeout = 10;
      t.Resources.ViewerRequestFunctionRole.Properties.AssumeRolePolicyDocument.Statement[0].Principal.Service = ['lambda.amazonaws.com'];
    }))).toEqual([
      'ViewerRequestFunction: Runtime nodejs20.x, expected nodejs22.x',
      'ViewerRequestFunction: Timeout 10 outside Lambda@Edge limits',
      'ViewerRequestFunction: Sourcemap must be false (true adds NODE_OPTIONS to the environment)',
      'ViewerRequestFunction: role trust is ["lambda.amazonaws.com"], expected lambda + edgelambda',
    ]);
  });

  it('only origin-response may read media, and only objects of the media bucket', () => {
    expect(edgeFunctionProblems(mutate((t) => {
      t.Resources.ViewerRequestFunctionRole.Properties.Policies.push({ PolicyName: 'x', PolicyDocument: { Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: { 'Fn::Sub': '${MediaBucket.Arn}/*' } }] } });
      t.Resources.OriginResponseFunctionRole.Properties.Policies[1].PolicyDocument.Statement[0].Action = 's3:*';
    }))).toEqual([
      'ViewerRequestFunction: permission s3:GetObject on {"Fn::Sub":"${MediaBucket.Arn}/*"} is more than it needs',
      'OriginResponseFunction: wildcard action s3:*',
    ]);
  });

  it('every function entry point the template builds exists', () => {
    for (const id of ['ViewerRequestFunction', 'OriginResponseFunction', 'SignUrlFunction']) {
      for (const entry of template.Resources[id].Metadata.BuildProperties.EntryPoints) expect(existsSync(join(ROOT, entry)), entry).toBe(true);
    }
  });

  it('no function in the template has an environment except the signer', () => {
    const withEnv = Object.entries<any>(template.Resources).filter(([, r]) => r.Properties?.Environment !== undefined).map(([id]) => id);
    expect(withEnv).toEqual(['SignUrlFunction']);
    expect(template.Globals).toBeUndefined();
  });
});
