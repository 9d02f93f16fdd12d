/**
 * template.yaml for the template tests: where it is, its text and parsed form, and copies a test changes to show
 * that a check catches the change.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCfnYaml } from './cfn-yaml.js';
import type { Template } from './cfn-yaml.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const TEMPLATE_PATH = join(ROOT, 'template.yaml');

export interface TemplateUnderTest {
  text: string;
  template: Template;
  /** A deep copy of the template with one change applied; the template itself is never changed. */
  mutate(change: (t: Template) => void): Template;
}

/** The repository's template.yaml, as text and parsed. */
export function readTemplate(): TemplateUnderTest {
  const text = readFileSync(TEMPLATE_PATH, 'utf8');
  const template = parseCfnYaml(text);
  const mutate = (change: (t: Template) => void): Template => {
    const copy = structuredClone(template);
    change(copy);
    return copy;
  };
  return { text, template, mutate };
}

/** The distribution's DistributionConfig. */
export const distributionConfig = (t: Template): Record<string, any> => t.Resources.Distribution.Properties.DistributionConfig;

/** The resource id of a `{ Ref: id }`, or undefined for anything else. */
export const refName = (v: unknown): string | undefined =>
  v !== null && typeof v === 'object' && 'Ref' in v && typeof (v as { Ref: unknown }).Ref === 'string' ? (v as { Ref: string }).Ref : undefined;
