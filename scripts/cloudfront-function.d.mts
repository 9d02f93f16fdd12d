export const ROOT: string;
export const MAX_FUNCTION_BYTES: number;
export const TEMPLATE_RESOURCES: Record<string, string>;
export function buildCloudFrontFunction(name: string): Promise<string>;
export function templateFunctionCode(templateText: string, resource: string): string | undefined;
export function syncTemplate(file?: string): Promise<string[]>;
