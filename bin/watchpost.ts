/** CLI entry: hands argv to lib/cli. */
import { main } from '../lib/cli/main.ts';

const code = await main(process.argv.slice(2));
// Exit explicitly once the output is flushed: a name lookup that outlived its
// check's timeout cannot be cancelled (getaddrinfo runs on libuv's thread
// pool) and would otherwise hold the process until the resolver gives up.
await Promise.all([process.stdout, process.stderr].map((s) => new Promise((done) => s.write('', done))));
process.exit(code);
