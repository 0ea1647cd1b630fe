/** `npm run build:binary`: builds dist/sortie (build.ts) and prints its size and build hash. */
import { buildBinary } from './build.ts';

const r = await buildBinary();
const mib = (r.bytes / 1024 ** 2).toFixed(1);
process.stdout.write(`${r.path}: ${mib} MiB (${r.bytes} bytes), build ${r.hash}${r.upToDate ? ' (already up to date)' : ''}, ${(r.ms / 1000).toFixed(1)} s\n`);
