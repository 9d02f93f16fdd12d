import type { S3Client } from '@aws-sdk/client-s3';

export interface UploadHeaders {
  contentType: string;
  cacheControl: string;
  /** false when the extension is not a known HLS file type (sent as application/octet-stream). */
  known: boolean;
}
export interface PlannedFile extends UploadHeaders {
  path: string;
  key: string;
  size: number;
}
export interface Writable {
  write(s: string): unknown;
}
export declare function uploadHeaders(name: string): UploadHeaders;
export declare function normalizePrefix(prefix: string): string;
export declare function planUpload(dir: string, prefix: string): Promise<PlannedFile[]>;
export declare function uploadPlan(options: {
  client: S3Client;
  bucket: string;
  plan: PlannedFile[];
  concurrency?: number;
  onUploaded?: (item: PlannedFile) => void;
}): Promise<{ uploaded: number; failed: { key: string; error: string }[] }>;
export declare const HELP: string;
export declare function main(argv: string[], io?: { stdout: Writable; stderr: Writable; client?: S3Client }): Promise<number>;
