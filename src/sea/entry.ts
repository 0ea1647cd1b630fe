/**
 * Entry bundle of the single executable (`sortie.js`, imported by src/sea/main.ts once extracted):
 * no argument starts the server exactly as `npm start` does (src/main.ts); `sortie <command> [args]`
 * runs a tool of src/sea/commands.ts with the process arguments it would see under tsx; `--help`
 * prints the usage and the configuration. An unknown command prints the usage and exits 2.
 */
import { COMMANDS } from './commands.ts';
import { helpText } from './help.ts';

const [name, ...args] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  process.stdout.write(helpText(COMMANDS));
} else if (name === undefined) {
  await import('../main.ts');
} else {
  const command = COMMANDS[name];
  if (command === undefined) {
    process.stderr.write(`sortie: unknown command ${JSON.stringify(name)}\n\n${helpText(COMMANDS)}`);
    process.exit(2);
  }
  process.argv = [process.execPath, name, ...args];
  await command.load();
}
