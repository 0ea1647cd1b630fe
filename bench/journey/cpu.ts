import { readFileSync } from 'node:fs';

/** Clock ticks per second of `/proc/<pid>/stat` (USER_HZ: 100 on Linux everywhere it runs). */
const USER_HZ = 100;

/**
 * CPU time used so far by process `pid` (every thread, user + system), in seconds, from Linux's
 * `/proc/<pid>/stat` (fields 14 and 15, proc(5)); undefined where it cannot be read (not Linux, exited).
 */
export function processCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: the fields after it start past its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}

/** CPU time used so far by this process (every thread, user + system), in seconds. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/**
 * Linux pressure stall information for the CPU (`/proc/pressure/cpu`, "some avg10"): the share of the
 * last 10 s, in %, during which at least one runnable task waited for a CPU. Near 0 on an idle machine;
 * high means the cores were oversubscribed. Undefined where PSI is not available.
 */
export function cpuPressure(): number | undefined {
  try {
    const some = /^some avg10=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some === null ? undefined : Number(some[1]);
  } catch {
    return undefined;
  }
}
