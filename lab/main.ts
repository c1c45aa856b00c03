#!/usr/bin/env node
// The lab's entry point (`npm run demo`, `npm run bench`, `npm run soak`): `node dist-lab/main.js
// demo|bench|soak [ARGS]`. The lab drives vtepd as a user would, through its CLI and its package API; it is
// built by lab/tsconfig.json into dist-lab/ and never ships in the package.
// Exit status 0 on success, 1 on any error, which is printed as one `Error: ...` line.
import { runBench } from './bench/bench.js';
import { runDemo } from './demo.js';
import { runSoak } from './soak/soak.js';

const USAGE = `Usage: npm run demo -- [ --bytes N ]
       npm run bench -- [ --sections planes,replication,scale ] [ --rounds N ] [ --seconds S ] [ --planes LIST ]
                        [ --fanout LIST ] [ --devices N ] [ --out DIR ] [ --baseline DIR ] [ --profile ]
       npm run bench -- --redraw [ --out DIR ]     (the pictures again, from the results' JSON)
       npm run soak -- [ --minutes N ]
       node dist-lab/main.js { demo | bench | soak } [ ARGS ]
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<void>> = { demo: runDemo, bench: runBench, soak: runSoak };

async function main([command, ...argv]: string[]): Promise<void> {
  if (command === undefined || command === 'help' || command === '-h' || command === '--help') {
    process.stdout.write(USAGE);
    return;
  }
  const run = COMMANDS[command];
  if (!run) throw new Error(`unknown lab command "${command}": it has ${Object.keys(COMMANDS).join(', ')}`);
  await run(argv);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`Error: ${message.trim().replace(/\s*\n\s*/g, '; ')}\n`);
  process.exitCode = 1;
});
