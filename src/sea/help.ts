import type { TSchema } from '@sinclair/typebox';
import { ConfigSchema } from '../config.ts';
import type { Command } from './commands.ts';

/** One variable of the server's configuration, as `sortie --help` lists it. */
export interface ConfigVariable {
  name: string;
  /** The default as text: `unset` when there is none, `empty` for the empty string. */
  default: string;
  /** The schema's description, plus the accepted values of an enumeration. */
  description: string;
}

/** Every variable of src/config.ts's ConfigSchema (the single source of the configuration), in its order. */
export function configVariables(): ConfigVariable[] {
  return Object.entries(ConfigSchema.properties).map(([name, schema]: [string, TSchema]) => {
    const values = (schema.anyOf as TSchema[] | undefined)?.map((s) => s.const as string);
    const shown = schema.default === undefined ? 'unset' : schema.default === '' ? 'empty' : String(schema.default);
    return { name, default: shown, description: [schema.description, values && `One of: ${values.join(', ')}.`].filter(Boolean).join(' ') };
  });
}

/** The text of `sortie --help`: usage, the commands and every configuration variable with its default. */
export function helpText(commands: Readonly<Record<string, Command>>): string {
  const rows: [string, string][] = [
    ...Object.entries(commands).map(([name, c]): [string, string] => [[name, c.args].filter(Boolean).join(' '), c.summary]),
    ['--version', 'print the version and the build hash'],
    ['--help', 'print this help'],
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    'Usage: sortie [command] [arguments]',
    '',
    'Without a command: starts the sortie server (as `npm start` does); SIGTERM or SIGINT stops it gracefully.',
    '',
    'Commands:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'Configuration: environment variables, validated at start (a bad value stops sortie with a message naming it):',
    ...configVariables().flatMap((v) => [`  ${v.name} (default: ${v.default})`, `      ${v.description}`]),
    '',
    'Cache: native addons and bundles are extracted once per build into $XDG_CACHE_HOME/sortie/<build hash>',
    '(XDG_CACHE_HOME: default ~/.cache, else the temp dir); it must be writable and not mounted noexec.',
    '',
  ].join('\n');
}
