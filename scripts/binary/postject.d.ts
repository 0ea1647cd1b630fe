// postject ships no types: the one function the build calls (dist/api.js).
declare module 'postject' {
  /**
   * Injects `resourceData` as resource `resourceName` into the executable `filename` (in place) and
   * flips the sentinel fuse so that the program finds it at start.
   * @throws Error when the fuse is missing or the resource already exists (unless `overwrite`).
   */
  export function inject(filename: string, resourceName: string, resourceData: Buffer,
    options?: { sentinelFuse?: string; machoSegmentName?: string; overwrite?: boolean }): Promise<void>;
}
