/** The package version (src/core/package-root.ts), for --version. */
export { packageVersion } from '../core/package-root.js';
