/** A parsed template with its intrinsics resolver: what every construct's modeling reads. */
import { IntrinsicResolver, asMap } from './cfn-yaml.js';

export interface TemplateContext {
  template: Record<string, unknown>;
  resources: Record<string, unknown>;
  resolver: IntrinsicResolver;
  /** The resource's `Type` ('' when absent). */
  typeOf(id: string): string;
  /** The resource's Properties with intrinsics resolved. */
  propsOf(id: string): Record<string, unknown>;
}

export function templateContext(template: Record<string, unknown>, parameters: Record<string, string> | undefined): TemplateContext {
  const resources = asMap(template.Resources);
  const resolver = new IntrinsicResolver(template, parameters);
  return {
    template,
    resources,
    resolver,
    typeOf: (id) => String(asMap(resources[id]).Type ?? ''),
    propsOf: (id) => asMap(resolver.resolve(asMap(resources[id]).Properties, `${id}.Properties`)),
  };
}
