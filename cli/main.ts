import { parseArgs } from 'node:util';
import { CliError, EXIT_INTERNAL, EXIT_INVALID } from './errors';
import { readListingBeforeLoading } from './input-file';

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
  cleanup plan --config FILE [--snapshot FILE | --region R] [--now ISO] [--output table|json]
      What a cleanup run would delete under the \`cleanup\` section of config
      FILE, in which order, and why every other image stays. Deletes nothing,
      whatever cleanup.dryRun says. With --snapshot: the registry in snapshot
      FILE (AWS CLI outputs in one file: examples/snapshot/README.md), evaluated
      at its takenAt unless --now is given. Without: your AWS account and region
      now (read-only; a progress bar on stderr when it is a terminal).
  snapshot --output FILE [--region R] [--config FILE]
      Writes a snapshot of your AWS account's registry in region R (read-only:
      repositories, images of every storage class, index manifests, lifecycle
      and repository policies, scanning and replication configuration, ECS tasks,
      services and task definitions, Lambda functions), with every region that a
      replication rule names as a destination. With --config, also the in-use
      sources its cleanup.protect names: Kubernetes clusters (kubectl's List),
      workload accounts (through the workload role) and external lists; exit 2,
      no file written, when one cannot be read.
  inuse list [--snapshot FILE | --region R] [--config FILE] [--source NAME]
             [--now ISO] [--task-definition-revisions N]
      The in-use picture ecr-warden sees (ECS tasks, services and task
      definition revisions, Lambda versions and aliases, and every source the
      cleanup.protect of config FILE names: Kubernetes clusters, workload
      accounts, Batch, App Runner, external lists, Inspector), as the external
      list JSON that cleanup.protect.external reads: { source, generatedAt,
      images }. Live with your credentials, read-only; or from a snapshot FILE,
      with everything it holds (generatedAt is its takenAt unless --now is
      given). Exit 2 when a source cannot be read: no partial list is printed.
  notify preview --event FILE [--output text|json]
      The Slack message a governance event (as EventBridge delivers it) becomes:
      plain text and Block Kit JSON.
  findings report --repository R (--image TAG|DIGEST | --findings FILE)
                  [--config FILE] [--now ISO] [--region R] [--output table|json]
      One image's scan findings (basic or enhanced) in one model, most urgent
      first, with the suppressions of config FILE: live (DescribeImageScanFindings,
      read-only) or from what \`aws ecr describe-image-scan-findings --output json\`
      printed.
  findings gate --image REPOSITORY:TAG|REPOSITORY@DIGEST [--fail-on SEVERITY]
                [--wait SECONDS] [--config FILE] [--region R] [--output text|json]
  findings gate --findings FILE --repository R [--fail-on SEVERITY]
                [--config FILE] [--now ISO] [--output text|json]
      The deploy gate: exit 0 when no unsuppressed finding is at or above
      SEVERITY (default: the repository's scanning.minSeverity), 1 when some
      are (they are printed), 2 when it cannot decide (scan failed, still
      running after --wait seconds, image or scan not found).
  replication audit [--region R] [--destinations R1,R2] [--prefixes P1,P2]
                    [--config FILE] [--snapshot FILE] [--now ISO] [--output table|json]
      Compares every repository that a replication rule of region R selects
      with each destination region: missing images (and whether they predate
      the rule), tags on other digests, failed replications, settings drift,
      lag. Live with your credentials, read-only; or a snapshot of several
      regions (\`ecr-warden snapshot\`'s format: examples/snapshot/README.md).
      Defaults come from the replication section of config FILE. Exit 1 when
      something is wrong or was not audited.
  repositories audit [--config FILE] [--snapshot FILE] [--region R] [--output table|json]
      The repository guard's baselines (tag immutability, scanning, lifecycle
      policy, KMS encryption, repository policy) of every repository against the
      immutability section of config FILE (default ./ecr-warden.yml), one row per
      repository, with what remediation would do. Live with your credentials,
      read-only; or a snapshot (\`ecr-warden snapshot\`'s format; --region picks
      one of several regions). Exit 1 when a repository drifts.
  organization check [--config FILE] [--region R] [--output table|json]
      Every governed account × region of the organization section of config
      FILE (default ./ecr-warden.yml; listed accounts, or read from
      Organizations for organizationalUnits): whether the member role can be
      assumed there with your credentials (and why not), which reads it allows
      (one read-only probe each) and which writes the member template grants
      under this config. Exit 1 when an account × region is unreachable or
      refuses a read, 2 when the accounts cannot be known (no organization
      section, an OU that does not exist, Organizations refused the listing).
  config validate [FILE]
      Validates FILE (default ./ecr-warden.yml) as the functions and the deploy do:
      every problem with its path, exit 2; a one-line summary when it is valid.
  config schema [--output FILE]
      The JSON Schema of ecr-warden.yml (for editor completion; the repository
      commits it as ecr-warden.schema.json).

Member accounts: every live command (snapshot, cleanup plan, inuse list, findings
report|gate, replication audit, repositories audit) takes --account ID and
--role NAME|ARN to read a member account of an Organizations hub through its
member role (AssumeRole with your credentials, then read-only calls). --role
defaults to organization.memberRoleName of --config FILE; a role ARN names its
account. A role that cannot be assumed: one line, exit 2.

Exit codes: 0 done, 1 a deploy gate blocked (or a check found a problem), 2 invalid input or undecided (the reason is printed on one line).
`;

// Text, or bytes from a command that encodes its own output (the JSON preview streams UTF-8).
type Write = (output: string | Uint8Array) => void;

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
    const images = required(values, 'images');
    const imagesDocument = readListingBeforeLoading(images);
    const { runLifecyclePreview } = await import('./lifecycle-command');
    runLifecyclePreview(
      {
        policy: required(values, 'policy'),
        images,
        ...(imagesDocument === undefined ? {} : { imagesDocument }),
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
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      output: { type: 'string', default: 'table' },
    });
    const { runCleanupPlan } = await import('./cleanup-command');
    await runCleanupPlan(
      {
        ...optional(values, 'snapshot'),
        config: required(values, 'config'),
        ...optional(values, 'now'),
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        output: outputFormat(values.output),
      },
      write,
    );
    return;
  }
  if (command === 'snapshot') {
    const values = parseOptions(argv.slice(1), {
      output: { type: 'string' },
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      config: { type: 'string' },
    });
    const { runSnapshot } = await import('./snapshot-command');
    await runSnapshot(
      {
        output: required(values, 'output'),
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        ...optional(values, 'config'),
      },
      write,
    );
    return;
  }
  if (command === 'inuse' && subcommand === 'list') {
    const values = parseOptions(rest, {
      snapshot: { type: 'string' },
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      source: { type: 'string' },
      now: { type: 'string' },
      'task-definition-revisions': { type: 'string' },
      config: { type: 'string' },
    });
    const revisions = values['task-definition-revisions'];
    const { runInUseList } = await import('./inuse-command');
    await runInUseList(
      {
        ...optional(values, 'snapshot'),
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        ...optional(values, 'source'),
        ...optional(values, 'now'),
        ...optional(values, 'config'),
        ...(typeof revisions === 'string' ? { taskDefinitionRevisions: revisions } : {}),
      },
      write,
    );
    return;
  }
  if (command === 'findings' && subcommand === 'report') {
    const values = parseOptions(rest, {
      repository: { type: 'string' },
      image: { type: 'string' },
      findings: { type: 'string' },
      config: { type: 'string' },
      now: { type: 'string' },
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      output: { type: 'string', default: 'table' },
    });
    const { runFindingsReport } = await import('./findings-command');
    await runFindingsReport(
      {
        repository: required(values, 'repository'),
        ...optional(values, 'image'),
        ...optional(values, 'findings'),
        ...optional(values, 'config'),
        ...optional(values, 'now'),
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        output: outputFormat(values.output),
      },
      write,
    );
    return;
  }
  if (command === 'findings' && subcommand === 'gate') {
    const values = parseOptions(rest, {
      image: { type: 'string' },
      findings: { type: 'string' },
      repository: { type: 'string' },
      'fail-on': { type: 'string' },
      wait: { type: 'string' },
      config: { type: 'string' },
      now: { type: 'string' },
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      output: { type: 'string', default: 'text' },
    });
    const output = values.output;
    if (output !== 'text' && output !== 'json') {
      throw new CliError(`--output must be "text" or "json", got "${String(output)}"`);
    }
    const failOn = values['fail-on'];
    const { runFindingsGate } = await import('./findings-command');
    await runFindingsGate(
      {
        ...optional(values, 'image'),
        ...optional(values, 'findings'),
        ...optional(values, 'repository'),
        ...(typeof failOn === 'string' ? { failOn } : {}),
        ...optional(values, 'wait'),
        ...optional(values, 'config'),
        ...optional(values, 'now'),
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        output,
      },
      write,
    );
    return;
  }
  if (command === 'replication' && subcommand === 'audit') {
    const values = parseOptions(rest, {
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      destinations: { type: 'string' },
      prefixes: { type: 'string' },
      config: { type: 'string' },
      snapshot: { type: 'string' },
      now: { type: 'string' },
      output: { type: 'string', default: 'table' },
    });
    const { runReplicationAudit } = await import('./replication-command');
    await runReplicationAudit(
      {
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        ...optional(values, 'destinations'),
        ...optional(values, 'prefixes'),
        ...optional(values, 'config'),
        ...optional(values, 'snapshot'),
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
  if (command === 'repositories' && subcommand === 'audit') {
    const values = parseOptions(rest, {
      config: { type: 'string' },
      snapshot: { type: 'string' },
      region: { type: 'string' },
      ...MEMBER_ACCOUNT_OPTIONS,
      output: { type: 'string', default: 'table' },
    });
    const { runRepositoriesAudit } = await import('./repositories-command');
    await runRepositoriesAudit(
      {
        ...optional(values, 'config'),
        ...optional(values, 'snapshot'),
        ...optional(values, 'region'),
        ...optional(values, 'account'),
        ...optional(values, 'role'),
        output: outputFormat(values.output),
      },
      write,
    );
    return;
  }
  if (command === 'organization' && subcommand === 'check') {
    const values = parseOptions(rest, {
      config: { type: 'string' },
      region: { type: 'string' },
      output: { type: 'string', default: 'table' },
    });
    const { runOrganizationCheck } = await import('./organization-command');
    await runOrganizationCheck(
      { ...optional(values, 'config'), ...optional(values, 'region'), output: outputFormat(values.output) },
      write,
    );
    return;
  }
  if (command === 'config' && subcommand === 'validate') {
    let positionals: string[];
    try {
      ({ positionals } = parseArgs({ args: rest, options: {}, strict: true, allowPositionals: true }));
    } catch (error) {
      throw new CliError((error as Error).message.split('\n')[0] ?? 'invalid options');
    }
    if (positionals.length > 1)
      throw new CliError(`config validate takes one FILE, got ${positionals.length}`);
    const { runConfigValidate } = await import('./config-command');
    runConfigValidate({ file: positionals[0] ?? 'ecr-warden.yml' }, write);
    return;
  }
  if (command === 'config' && subcommand === 'schema') {
    const values = parseOptions(rest, { output: { type: 'string' } });
    const { runConfigSchema } = await import('./config-command');
    runConfigSchema(optional(values, 'output'), write);
    return;
  }
  const name = [command, subcommand].filter(Boolean).join(' ');
  throw new CliError(`unknown command "${name}"; run \`ecr-warden help\` for the list`);
}

/** `--account ID --role NAME|ARN` of every live command: a member account through its role (./member-account.ts). */
const MEMBER_ACCOUNT_OPTIONS = {
  account: { type: 'string' },
  role: { type: 'string' },
} as const satisfies OptionSpec;

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
  const write: Write = (output) => {
    process.stdout.write(output);
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
