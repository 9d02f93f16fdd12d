/**
 * The CloudFormation resource specification the offline template validator checks against: the database shipped
 * in `@aws-cdk/aws-service-spec` (see cfn-validate.ts).
 */
import { loadAwsServiceSpecSync } from '@aws-cdk/aws-service-spec';

export type SpecDb = ReturnType<typeof loadAwsServiceSpecSync>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type SpecResource = any;

export interface PropertyType {
  type: string;
  allowedValues?: (string | number)[];
  element?: PropertyType;
  types?: PropertyType[];
  reference?: { $ref: string };
}
export interface PropertySpec {
  type: PropertyType;
  required?: boolean;
}

let cachedDb: SpecDb | undefined;
/** The specification database (loading takes about a second; cached per process). */
export function specDb(): SpecDb {
  cachedDb ??= loadAwsServiceSpecSync();
  return cachedDb;
}

/** Resource type -> spec entity, or undefined for an unknown type. */
export function specResource(type: string): SpecResource | undefined {
  const found = specDb().lookup('resource', 'cloudFormationType', 'equals', type);
  return found.length === 1 ? found[0] : undefined;
}
