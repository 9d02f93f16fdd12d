/**
 * The viewer-request CloudFront Function exactly as template.yaml deploys it (its FunctionCode, default template
 * parameters aside), run by the local edge's sandbox, with the CloudFront Functions event built from a raw query.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cfFunctionQuery, compileCloudFrontFunction, toCfFunctionRequest } from '../../src/local-edge/function-runtime/cf-function.js';
import type { CfFunctionResult } from '../../src/local-edge/function-runtime/cf-function.js';
import { templateFunctionCode } from '../../scripts/cloudfront-function.mjs';

export const ROOT = join(import.meta.dirname, '..', '..');
export const CF_FUNCTION_RESOURCE = 'ViewerRequestCloudFrontFunction';

/** template.yaml's FunctionCode of a CloudFront Function (default: the viewer-request one). */
export function deployedCode(resource = CF_FUNCTION_RESOURCE): string {
  const code = templateFunctionCode(readFileSync(join(ROOT, 'template.yaml'), 'utf8'), resource);
  if (code === undefined) throw new Error(`template.yaml has no FunctionCode block for ${resource}`);
  return code;
}

/**
 * Runs the deployed code of `resource` (e.g. SignerViewerFunction) once on a viewer request, with CloudFront's event
 * shape; returns what CloudFront would do next: the request, or the generated response.
 */
export async function runDeployedFunction(resource: string, method: string, uri: string, rawHeaders: string[], viewerIp = '203.0.113.178'): Promise<CfFunctionResult> {
  const fn = compileCloudFrontFunction({ eventType: 'viewer-request', functionId: resource, runtime: 'cloudfront-js-2.0', code: deployedCode(resource) }, 5_000);
  return fn.run({
    version: '1.0',
    context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'test' },
    viewer: { ip: viewerIp },
    request: toCfFunctionRequest(method, uri, '', rawHeaders),
  });
}

export interface CfFunctionRunner {
  /** The query string CloudFront sends on after the function ran on a viewer request with `query`. */
  run(query: string, uri?: string, rawHeaders?: string[]): Promise<string>;
  /** `query` as the function receives it (parsed by CloudFront), written back as a string. */
  asSent(query: string): string;
}

export function cloudFrontFunctionRunner(code = deployedCode()): CfFunctionRunner {
  // A generous time limit: the property tests run hundreds of 100 KB queries on a shared machine.
  const fn = compileCloudFrontFunction({ eventType: 'viewer-request', functionId: CF_FUNCTION_RESOURCE, runtime: 'cloudfront-js-2.0', code }, 5_000);
  return {
    async run(query, uri = '/movies/42/master.m3u8', rawHeaders = ['Host', 'd111111abcdef8.cloudfront.net']) {
      const r = await fn.run({
        version: '1.0',
        context: { distributionDomainName: 'd111111abcdef8.cloudfront.net', distributionId: 'EDFDVBD6EXAMPLE', eventType: 'viewer-request', requestId: 'test' },
        viewer: { ip: '203.0.113.178' },
        request: toCfFunctionRequest('GET', uri, query, rawHeaders),
      });
      if (r.kind !== 'request') throw new Error('the viewer-request CloudFront Function answered instead of passing the request on');
      return cfFunctionQuery(r.request);
    },
    asSent: (query) => cfFunctionQuery(toCfFunctionRequest('GET', '/', query, [])),
  };
}
