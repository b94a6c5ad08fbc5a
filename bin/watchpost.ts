/** CLI entry: hands argv to lib/cli. */
import { main } from '../lib/cli/main.ts';

process.exitCode = await main(process.argv.slice(2));
