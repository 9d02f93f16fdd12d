/**
 * Reads the CloudFront distribution from template.yaml into the model the local edge serves, so what is tested
 * locally is what deploys. Anything that changes request handling and cannot be modeled is a
 * {@link LocalEdgeConfigError} naming the construct; nothing is silently ignored.
 */
import { readFileSync } from 'node:fs';
import { asMap, parseTemplateText } from './cfn-yaml.js';
import { LocalEdgeConfigError } from '../../errors.js';
import type { DistributionModel } from './model.js';
import { modelBehavior } from './template-behaviors.js';
import { templateContext } from './template-context.js';
import type { TemplateContext } from './template-context.js';
import { modelOrigins } from './template-origins.js';

export { bundleFor } from './template-functions.js';

export interface LoadTemplateOptions {
  /** Parameter overrides (else each parameter's Default). */
  parameters?: Record<string, string>;
  /** Which distribution when the template has several (default: the only one). */
  distributionId?: string;
}

/** Reads and models the template at `file`. */
export function loadTemplate(file: string, options: LoadTemplateOptions = {}): DistributionModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new LocalEdgeConfigError(`cannot read template ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
  }
  return modelTemplate(parseTemplateText(text, file), options);
}

/** Models an already parsed template (long-form intrinsics). */
export function modelTemplate(template: Record<string, unknown>, options: LoadTemplateOptions = {}): DistributionModel {
  const context = templateContext(template, options.parameters);
  const distributionId = selectDistribution(context, options.distributionId);
  const where = `${distributionId}.DistributionConfig`;
  const config = asMap(context.propsOf(distributionId).DistributionConfig);
  for (const unsupported of ['OriginGroups', 'ContinuousDeploymentPolicyId']) {
    const value = config[unsupported];
    if (value !== undefined && !(Array.isArray(asMap(value).Items) && (asMap(value).Items as unknown[]).length === 0)) {
      throw new LocalEdgeConfigError(`${where}.${unsupported} is not modeled by the local edge`);
    }
  }
  const origins = modelOrigins((config.Origins as unknown[] | undefined) ?? [], where, context);
  const originById = new Map(origins.map((origin) => [origin.id, origin]));
  const cacheBehaviors = ((config.CacheBehaviors as unknown[] | undefined) ?? []).map((raw, i) => modelBehavior(raw, `${where}.CacheBehaviors[${i}]`, false, originById, context));
  if (config.DefaultCacheBehavior === undefined) throw new LocalEdgeConfigError(`${where}.DefaultCacheBehavior is missing`);
  const behaviors = [...cacheBehaviors, modelBehavior(config.DefaultCacheBehavior, `${where}.DefaultCacheBehavior`, true, originById, context)];
  return { distributionId, behaviors, origins };
}

/** The distribution to model: the one asked for, else the template's only one. */
function selectDistribution(context: TemplateContext, requested: string | undefined): string {
  const distributionIds = Object.keys(context.resources).filter((id) => context.typeOf(id) === 'AWS::CloudFront::Distribution');
  const distributionId = requested ?? (distributionIds.length === 1 ? distributionIds[0] : undefined);
  if (distributionId === undefined || !distributionIds.includes(distributionId)) {
    throw new LocalEdgeConfigError(distributionIds.length === 0 ? 'template has no AWS::CloudFront::Distribution' : `template has several distributions (${distributionIds.join(', ')}); choose one`);
  }
  return distributionId;
}
