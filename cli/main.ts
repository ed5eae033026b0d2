import { parseArgs } from 'node:util';
import { CliError, EXIT_INTERNAL, EXIT_INVALID } from './errors';

// Each command's module is imported when the command runs, not at start-up: the bundle then
// initialises only what that command uses (esbuild evaluates a dynamically imported module lazily),
// so `lifecycle preview` does not pay for the AWS SDK clients that live commands load.

const USAGE = `Usage: ecr-warden <command> [options]

Commands:
  lifecycle preview --policy FILE --images FILE [--manifests FILE] [--now ISO] [--output table|json]
      What ECR's lifecycle policy FILE would do to the images that
      \`aws ecr describe-images --output json\` printed. --manifests takes
      \`aws ecr batch-get-image --output json\` output so that images a manifest list
      references are kept, as ECR keeps them. JSON output has the shape of
      \`aws ecr get-lifecycle-policy-preview\`.
  lifecycle validate --policy FILE
      Checks a lifecycle policy with ECR's rules; exit 2 lists every violation.
  cleanup plan --snapshot FILE --config FILE [--now ISO] [--output table|json]
      What a cleanup run would delete from the registry in snapshot FILE (AWS
      CLI outputs in one file: examples/snapshot/README.md) under the \`cleanup\`
      section of config FILE, in which order, and why every other image stays.
      Deletes nothing, whatever cleanup.dryRun says. Policies are evaluated at
      the snapshot's takenAt unless --now is given.
  notify preview --event FILE [--output text|json]
      The Slack message a governance event (as EventBridge delivers it) becomes:
      plain text and Block Kit JSON.

Exit codes: 0 done, 2 invalid input (the reason is printed on one line).
`;

type Write = (text: string) => void;

export async function main(argv: readonly string[], write: Write): Promise<void> {
  const [command, subcommand, ...rest] = argv;
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    write(USAGE);
    return;
  }
  if (command === 'lifecycle' && subcommand === 'preview') {
    const values = parseOptions(rest, {
      policy: { type: 'string' },
      images: { type: 'string' },
      manifests: { type: 'string' },
      now: { type: 'string' },
      output: { type: 'string', default: 'table' },
    });
    const { runLifecyclePreview } = await import('./lifecycle-command');
    runLifecyclePreview(
      {
        policy: required(values, 'policy'),
        images: required(values, 'images'),
        ...optional(values, 'manifests'),
        ...optional(values, 'now'),
        output: outputFormat(values.output),
      },
      write,
    );
    return;
  }
  if (command === 'lifecycle' && subcommand === 'validate') {
    const values = parseOptions(rest, { policy: { type: 'string' } });
    const { runLifecycleValidate } = await import('./lifecycle-command');
    runLifecycleValidate({ policy: required(values, 'policy') }, write);
    return;
  }
  if (command === 'cleanup' && subcommand === 'plan') {
    const values = parseOptions(rest, {
      snapshot: { type: 'string' },
      config: { type: 'string' },
      now: { type: 'string' },
      output: { type: 'string', default: 'table' },
    });
    const { runCleanupPlan } = await import('./cleanup-command');
    runCleanupPlan(
      {
        snapshot: required(values, 'snapshot'),
        config: required(values, 'config'),
        ...optional(values, 'now'),
        output: outputFormat(values.output),
      },
      write,
    );
    return;
  }
  if (command === 'notify' && subcommand === 'preview') {
    const values = parseOptions(rest, {
      event: { type: 'string' },
      output: { type: 'string', default: 'text' },
    });
    const output = values.output;
    if (output !== 'text' && output !== 'json') {
      throw new CliError(`--output must be "text" or "json", got "${String(output)}"`);
    }
    const { runNotifyPreview } = await import('./notify-command');
    runNotifyPreview({ event: required(values, 'event'), output }, write);
    return;
  }
  const name = [command, subcommand].filter(Boolean).join(' ');
  throw new CliError(`unknown command "${name}"; run \`ecr-warden help\` for the list`);
}

type OptionSpec = Record<string, { type: 'string' | 'boolean'; default?: string | boolean }>;
type Values = Record<string, string | boolean | undefined>;

function parseOptions(args: string[], options: OptionSpec): Values {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values as Values;
  } catch (error) {
    // node's messages name the option: "Unknown option '--polcy'", "Option '--policy <value>' argument missing"
    throw new CliError((error as Error).message.split('\n')[0] ?? 'invalid options');
  }
}

function required(values: Values, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new CliError(`missing required option --${name}`);
  return value;
}

function optional<K extends string>(values: Values, name: K): Partial<Record<K, string>> {
  const value = values[name];
  return typeof value === 'string' ? ({ [name]: value } as Record<K, string>) : {};
}

function outputFormat(value: unknown): 'json' | 'table' {
  if (value === 'json' || value === 'table') return value;
  throw new CliError(`--output must be "table" or "json", got "${String(value)}"`);
}

/** The process entry: one line on stderr and a non-zero exit for any failure, never a stack trace. */
export async function run(argv: readonly string[]): Promise<void> {
  const write: Write = (text) => {
    process.stdout.write(text);
  };
  try {
    await main(argv, write);
  } catch (error) {
    if (error instanceof CliError) {
      process.stderr.write(`ecr-warden: ${error.message}\n`);
      for (const line of error.details) process.stderr.write(`  - ${line}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`ecr-warden: internal error: ${message} (set ECR_WARDEN_DEBUG=1 for details)\n`);
    if (process.env.ECR_WARDEN_DEBUG === '1' && error instanceof Error)
      process.stderr.write(`${error.stack}\n`);
    process.exitCode = EXIT_INTERNAL;
  }
}

export { EXIT_INVALID };
