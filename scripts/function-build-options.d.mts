import type { BuildOptions } from 'esbuild';
export declare const REQUIRE_SHIM: string;
export declare const FUNCTION_BUILD_OPTIONS: Readonly<BuildOptions>;
