import { run } from './main';

// run() reports every failure itself (one line, exit code set); it never rejects.
void run(process.argv.slice(2));
