import type { ActionsBlock, ContextBlock, HeaderBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { GovernanceDetail, GovernanceEvent, Severity } from '../events/governance';
import { accountLabel, type GovernedAccount } from '../organization/governed-accounts';
import { checkConsoleUrl, checkReferenceUrl, type DroppedLink, escapeMrkdwn, mrkdwnLink } from './safe-links';

export { escapeMrkdwn } from './safe-links';

/**
 * Renders a governance event as one Slack Block Kit message: a header with severity, repository
 * and region, the summary, the facts as fields, the list behind them (findings, problems, reasons),
 * a console button and a context line. Everything is kept within Slack's limits so that Slack never
 * rejects a message: long lists are cut with an "and N more" line, long texts are shortened.
 * Limits: https://docs.slack.dev/reference/block-kit/blocks (50 blocks a message; header text 150
 * characters; section text 3,000; at most 10 fields of 2,000 each; context 10 elements) and
 * https://docs.slack.dev/reference/block-kit/block-elements/button-element (text 75, url 3,000).
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  headerText: 150,
  sectionText: 3_000,
  fieldsPerSection: 10,
  fieldText: 2_000,
  buttonText: 75,
  buttonUrl: 3_000,
  // Slack truncates a message's top-level text after 40,000 characters; notifications show far less.
  notificationText: 3_000,
} as const;

export interface SlackMessage {
  /** The notification and accessibility text; Slack shows it where blocks cannot be shown. */
  text: string;
  blocks: KnownBlock[];
}

/** A rendered message, and the links left out of it because they failed ./safe-links.ts (for the log). */
export interface RenderedSlackMessage extends SlackMessage {
  droppedLinks: DroppedLink[];
}

const SEVERITY_MARK: Record<Severity, string> = {
  critical: ':red_circle: CRITICAL',
  warning: ':large_orange_circle: WARNING',
  info: ':large_blue_circle: INFO',
};

/** The facts of an event, laid out for people; what each detail-type shows is decided below. */
interface Facts {
  fields: [label: string, value: string][];
  /** A titled list (findings, problems, ...), one mrkdwn line per item, most important first. */
  list?: { title: string; lines: string[]; total: number };
}

/**
 * How a message names its account. Under an Organizations hub (issue 15) every message names the
 * account it is about, by alias when known, and its region: in the header (`payments-prod, us-east-1`),
 * the notification text and the context line (`payments-prod (333333333333)`). Without one (no
 * `account` given) the message is exactly what it was before: the region in the header, the account id
 * in the context line.
 */
export interface RenderOptions {
  account?: Pick<GovernedAccount, 'id' | 'alias'>;
}

/** `(us-east-1)`, or under a hub `(payments-prod, us-east-1)`. */
function placeLabel(region: string, account: RenderOptions['account']): string {
  return account === undefined ? `(${region})` : `(${account.alias ?? account.id}, ${region})`;
}

export function renderSlackMessage(
  event: GovernanceEvent,
  options: RenderOptions = {},
): RenderedSlackMessage {
  const { detail } = event;
  const { account } = options;
  const where = 'repositoryName' in detail ? detail.repositoryName : 'registry';
  const droppedLinks: DroppedLink[] = [];
  const facts = describeFacts(event, droppedLinks);

  const blocks: KnownBlock[] = [];
  const header: HeaderBlock = {
    type: 'header',
    text: {
      type: 'plain_text',
      text: shorten(
        `${event.detailType}: ${where} ${placeLabel(detail.region, account)}`,
        SLACK_LIMITS.headerText,
      ),
      emoji: true,
    },
  };
  blocks.push(header);
  blocks.push(section(`*${SEVERITY_MARK[detail.severity]}*  ${escapeMrkdwn(detail.summary)}`));

  const fields = facts.fields.slice(0, SLACK_LIMITS.fieldsPerSection).map(([label, value]) => ({
    type: 'mrkdwn' as const,
    text: shorten(`*${escapeMrkdwn(label)}*\n${value}`, SLACK_LIMITS.fieldText),
  }));
  if (fields.length > 0) blocks.push({ type: 'section', fields } satisfies SectionBlock);

  // Reserve the blocks that always close the message: the button, the context, a possible "more" line.
  const closing = 3;
  if (facts.list && facts.list.lines.length > 0) {
    blocks.push(...listSections(facts.list, SLACK_LIMITS.blocksPerMessage - blocks.length - closing));
  }

  // A button's url is a JSON string, not mrkdwn: it needs no escaping, only a host people can trust.
  const consoleLink = checkConsoleUrl(detail.consoleUrl);
  if (!consoleLink.ok) droppedLinks.push({ field: 'consoleUrl', reason: consoleLink.reason });
  else if (consoleLink.href.length > SLACK_LIMITS.buttonUrl) {
    // Cut, a deep link would lead somewhere else; the button goes instead.
    droppedLinks.push({ field: 'consoleUrl', reason: `longer than ${SLACK_LIMITS.buttonUrl} characters` });
  }
  const button: ActionsBlock | undefined =
    consoleLink.ok && consoleLink.href.length <= SLACK_LIMITS.buttonUrl
      ? {
          type: 'actions',
          elements: [
            {
              type: 'button',
              text: { type: 'plain_text', text: 'Open in the AWS console' },
              url: consoleLink.href,
            },
          ],
        }
      : undefined;
  const context: ContextBlock = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `ecr-warden · account ${account === undefined ? detail.account : escapeMrkdwn(accountLabel(account))} · ${detail.region} · ${event.detailType} v${detail.schemaVersion}`,
      },
    ],
  };
  if (button !== undefined) blocks.push(button);
  blocks.push(context);

  const text = shorten(
    `${SEVERITY_MARK[detail.severity].replace(/^:[a-z_]+: /, '')} ${event.detailType}${account === undefined ? '' : ` ${placeLabel(detail.region, account)}`}: ${detail.summary}`,
    SLACK_LIMITS.notificationText,
  );
  return { text, blocks, droppedLinks };
}

/** The same message as plain text, for `ecr-warden notify preview` and logs. */
export function renderPlainText(event: GovernanceEvent, options: RenderOptions = {}): string {
  const { detail } = event;
  const where = 'repositoryName' in detail ? detail.repositoryName : 'registry';
  const facts = describeFacts(event, []);
  const lines = [
    `${event.detailType}: ${where} ${placeLabel(detail.region, options.account)} [${detail.severity.toUpperCase()}]`,
    detail.summary,
    '',
    ...facts.fields.map(([label, value]) => `${label}: ${unmark(value)}`),
  ];
  if (facts.list) {
    lines.push('', `${facts.list.title}:`, ...facts.list.lines.map((line) => `  - ${unmark(line)}`));
    const more = facts.list.total - facts.list.lines.length;
    if (more > 0) lines.push(`  ... and ${more} more`);
  }
  const consoleLink = checkConsoleUrl(detail.consoleUrl);
  if (consoleLink.ok) lines.push('', `Console: ${consoleLink.href}`);
  return `${lines.join('\n')}\n`;
}

/** Packs list lines into sections of at most 3,000 characters, within `maxBlocks`. */
function listSections(list: NonNullable<Facts['list']>, maxBlocks: number): SectionBlock[] {
  const sections: string[] = [];
  let current = `*${escapeMrkdwn(list.title)}*`;
  let shown = 0;
  for (const raw of list.lines) {
    const line = shorten(raw, SLACK_LIMITS.sectionText - 10);
    if (current.length + 1 + line.length > SLACK_LIMITS.sectionText) {
      if (sections.length + 1 >= maxBlocks) break;
      sections.push(current);
      current = '';
    }
    current = current === '' ? line : `${current}\n${line}`;
    shown += 1;
  }
  sections.push(current);
  const more = list.total - shown;
  const blocks = sections.map((text) => section(text));
  if (more > 0) blocks.push(section(`_…and ${more} more; the full list is in the AWS console._`));
  return blocks;
}

function describeFacts(event: GovernanceEvent, droppedLinks: DroppedLink[]): Facts {
  switch (event.detailType) {
    case 'Cleanup Report':
      return cleanupFacts(event.detail);
    case 'Tag Moved':
      return tagMovedFacts(event.detail);
    case 'Repository Settings Drift':
      return driftFacts(event.detail);
    case 'Vulnerability Alert':
      return vulnerabilityAlertFacts(event.detail, droppedLinks);
    case 'Vulnerability Digest':
      return vulnerabilityDigestFacts(event.detail);
    case 'Replication Failure':
      return replicationFailureFacts(event.detail);
    case 'Replication Audit Report':
      return replicationAuditFacts(event.detail);
    case 'Account Unreachable':
      return accountUnreachableFacts(event.detail);
  }
}

function accountUnreachableFacts(d: GovernanceDetail<'Account Unreachable'>): Facts {
  return {
    fields: [
      ['Work', d.work],
      ['Member role', `\`${escapeMrkdwn(d.roleArn)}\``],
      ['Why', escapeMrkdwn(d.reason)],
      ...(d.errorName === undefined ? [] : ([['AWS error', escapeMrkdwn(d.errorName)]] as Facts['fields'])),
    ],
  };
}

function cleanupFacts(d: GovernanceDetail<'Cleanup Report'>): Facts {
  const fields: Facts['fields'] = [
    ['Mode', d.dryRun ? 'dry run: nothing deleted' : 'deleting'],
    [d.dryRun ? 'Would delete' : 'Deleted', `${d.imagesDeleted} of ${d.imagesEvaluated} images`],
    ['Reclaimed', `${formatGiB(d.bytesReclaimed)} (≈ $${d.monthlySavingsUsd.toFixed(2)}/month)`],
    ['Kept', `${d.imagesKept} images`],
  ];
  if (d.deletionCapReached) fields.push(['Deletion cap', 'reached: more images remain eligible']);
  if (d.failures.length > 0) fields.push(['Failures', `${d.failures.length} images not deleted`]);
  const sourceFailures = d.inUseSourceFailures ?? [];
  if (d.held === true) {
    fields.unshift([
      'Held',
      `nothing deleted: ${sourceFailures.length} in-use source(s) could not be read; ${d.imagesHeld ?? 0} deletion(s) wait`,
    ]);
  }
  const lines = [
    // Why nothing was deleted comes first: it is what the reader must fix.
    ...sourceFailures.map(
      (f) => `:no_entry: \`${escapeMrkdwn(f.source)}\` could not be read: ${escapeMrkdwn(f.reason)}`,
    ),
    ...d.topKeepReasons.map((reason) => `${reason.count} × \`${escapeMrkdwn(reason.kind)}\``),
    ...d.failures.map(
      (f) =>
        `:warning: \`${short(f.imageDigest)}\` ${escapeMrkdwn(f.failureCode)}: ${escapeMrkdwn(f.failureReason)}`,
    ),
  ];
  return { fields, list: { title: 'Why images were kept', lines, total: lines.length } };
}

function tagMovedFacts(d: GovernanceDetail<'Tag Moved'>): Facts {
  const inUse =
    d.previousDigestInUse === null
      ? 'unknown'
      : d.previousDigestInUse
        ? 'yes: a running workload uses it'
        : 'no';
  return {
    fields: [
      ['Tag', `\`${escapeMrkdwn(d.imageTag)}\``],
      ['Pushed at', d.pushedAt],
      ['Previous digest', `\`${short(d.previousDigest)}\``],
      ['New digest', `\`${short(d.newDigest)}\``],
      ['Previous digest in use', inUse],
      ...(d.previousDigestRunningIn === undefined
        ? []
        : ([['Previous image runs in', runningInText(d.previousDigestRunningIn)]] as Facts['fields'])),
    ],
  };
}

/** `3 pods in prod-eks/payments, ECS service payments-api (as of 2026-06-01 06:00 UTC)`. */
function runningInText(runningIn: { summary: string; asOf: string }): string {
  const asOf = new Date(runningIn.asOf);
  const when = Number.isNaN(asOf.getTime())
    ? runningIn.asOf
    : `${asOf.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `${escapeMrkdwn(runningIn.summary)} _(as of ${when})_`;
}

function driftFacts(d: GovernanceDetail<'Repository Settings Drift'>): Facts {
  const fields: Facts['fields'] = [
    ['Baseline', d.baseline],
    ['Expected', escapeMrkdwn(d.expected)],
    ['Actual', escapeMrkdwn(d.actual)],
    ['Remediation', d.remediation],
  ];
  if (d.changedBy !== undefined) fields.push(['Changed by', escapeMrkdwn(d.changedBy)]);
  return { fields };
}

function vulnerabilityAlertFacts(
  d: GovernanceDetail<'Vulnerability Alert'>,
  droppedLinks: DroppedLink[],
): Facts {
  const counts = Object.entries(d.severityCounts)
    .map(([severity, n]) => `${severity} ${n}`)
    .join(', ');
  const lines = d.findings.map((f, index) => {
    const fix = f.fixedInVersion === undefined ? 'no fix yet' : `fixed in ${escapeMrkdwn(f.fixedInVersion)}`;
    const pkg =
      f.packageName === undefined
        ? ''
        : ` ${escapeMrkdwn(f.packageName)} ${escapeMrkdwn(f.installedVersion ?? '')}`;
    const reference = f.url === undefined ? undefined : checkReferenceUrl(f.url);
    if (reference !== undefined && !reference.ok) {
      droppedLinks.push({ field: `findings[${index}].url`, reason: reference.reason });
    }
    const id = reference?.ok
      ? mrkdwnLink(reference.href, f.vulnerabilityId)
      : escapeMrkdwn(f.vulnerabilityId);
    const extras = [
      f.score === undefined ? undefined : `score ${f.score}`,
      f.epssScore === undefined ? undefined : `EPSS ${f.epssScore}`,
      f.exploitAvailable ? 'exploit available' : undefined,
    ].filter(Boolean);
    return `*${f.severity}* ${id}${pkg} (${fix}${extras.length > 0 ? `; ${extras.join(', ')}` : ''}) _${f.change}_`;
  });
  return {
    fields: [
      [
        'Image',
        d.imageTags.length > 0
          ? d.imageTags.map((t) => `\`${escapeMrkdwn(t)}\``).join(' ')
          : `untagged \`${short(d.imageDigest)}\``,
      ],
      ['Scan', d.scanType.toLowerCase()],
      ['In use', d.inUse === null ? 'unknown' : d.inUse ? 'yes' : 'no'],
      ...(d.runningIn === undefined ? [] : ([['Runs in', runningInText(d.runningIn)]] as Facts['fields'])),
      ['Findings', counts === '' ? String(d.findingCount) : `${d.findingCount} (${counts})`],
    ],
    list: { title: 'Findings, most urgent first', lines, total: d.findingCount },
  };
}

function vulnerabilityDigestFacts(d: GovernanceDetail<'Vulnerability Digest'>): Facts {
  const lines = [
    ...d.repositories.map((r) => {
      const open = Object.entries(r.open)
        .map(([severity, n]) => `${severity} ${n}`)
        .join(', ');
      const running = (r.runningImages ?? []).map((image) => {
        const counts = Object.entries(image.open)
          .map(([severity, n]) => `${severity} ${n}`)
          .join(', ');
        return `\n  :arrow_forward: \`${short(image.imageDigest)}\` (${counts}): ${runningInText(image)}`;
      });
      const more = (r.runningImageCount ?? 0) - running.length;
      return `*${escapeMrkdwn(r.repositoryName)}*: ${open || 'none open'}; +${r.newSinceYesterday} new, −${r.resolvedSinceYesterday} resolved${running.join('')}${more > 0 ? `\n  …and ${more} more running images` : ''}`;
    }),
    ...d.expiringSuppressions.map(
      (s) =>
        `:hourglass: suppression of ${escapeMrkdwn(s.vulnerability)} (${escapeMrkdwn(s.owner)}) ${s.expired ? 'EXPIRED' : 'expires'} ${s.expires}`,
    ),
  ];
  return {
    fields: [
      ['Date', d.date],
      ['Repositories with open findings', String(d.repositoryCount)],
      ['Suppressions expiring within 14 days', String(d.expiringSuppressions.length)],
    ],
    list: { title: 'Open findings', lines, total: d.repositoryCount - d.repositories.length + lines.length },
  };
}

function replicationFailureFacts(d: GovernanceDetail<'Replication Failure'>): Facts {
  return {
    fields: [
      ['Image', d.imageTag === undefined ? `\`${short(d.imageDigest)}\`` : `\`${escapeMrkdwn(d.imageTag)}\``],
      ['From', `${d.sourceRegion} (${d.sourceAccount})`],
      ['To', d.destinationRegion],
      ['Failure code', d.failureCode ?? 'not given'],
    ],
  };
}

function replicationAuditFacts(d: GovernanceDetail<'Replication Audit Report'>): Facts {
  const counts = Object.entries(d.problemCounts)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const lines = [
    ...d.recommendations.map((r) => `:point_right: ${escapeMrkdwn(r)}`),
    ...d.repositories.flatMap((r) =>
      r.problems.map(
        (p) =>
          `*${escapeMrkdwn(r.repositoryName)}* → ${r.destinationRegion}: ${p.kind}: ${escapeMrkdwn(p.detail)}`,
      ),
    ),
  ];
  return {
    fields: [
      ['Result', d.clean ? 'clean' : 'problems found'],
      ['Repositories audited', String(d.repositoriesAudited)],
      ['Destinations', d.destinationRegions.join(', ') || 'none'],
      ['Worst lag', d.worstLagSeconds === null ? 'no replication seen' : `${d.worstLagSeconds} s`],
      ['Problems', counts || 'none'],
    ],
    list: { title: 'What to do, and what is wrong', lines, total: lines.length },
  };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: shorten(text, SLACK_LIMITS.sectionText) } };
}

/** Undoes escapeMrkdwn() and the mrkdwn marks, for plain-text output. */
function unmark(text: string): string {
  return text
    .replace(/<([^|>]+)\|([^>]+)>/g, '$2 ($1)')
    .replace(/[*_`]/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

export function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}
