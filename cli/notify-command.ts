import {
  GOVERNANCE_DETAIL_TYPES,
  type GovernanceEvent,
  governanceDetailSchemas,
  isGovernanceDetailType,
} from '../shared/events/governance';
import { renderPlainText, renderSlackMessage } from '../shared/notify/render-slack-message';
import { CliError } from './errors';
import { readJsonFile } from './input';

/**
 * `ecr-warden notify preview --event FILE`: the Slack message a governance event becomes, as Block
 * Kit JSON (paste it into Slack's Block Kit Builder) and as plain text. FILE is the event as
 * EventBridge delivers it (an envelope with `detail-type` and `detail`), e.g. from a rule's log target.
 */
export function runNotifyPreview(
  options: { event: string; output: 'json' | 'text' },
  write: (text: string) => void,
): void {
  const event = readGovernanceEvent(options.event);
  const message = renderSlackMessage(event);
  if (options.output === 'json') {
    write(`${JSON.stringify({ text: message.text, blocks: message.blocks }, null, 2)}\n`);
    return;
  }
  write(renderPlainText(event));
  write(
    `\nBlock Kit (${message.blocks.length} blocks):\n${JSON.stringify({ blocks: message.blocks }, null, 2)}\n`,
  );
}

function readGovernanceEvent(path: string): GovernanceEvent {
  const envelope = readJsonFile(path, 'event') as {
    'detail-type'?: unknown;
    source?: unknown;
    detail?: unknown;
  } | null;
  const detailType = envelope?.['detail-type'];
  if (typeof detailType !== 'string' || !isGovernanceDetailType(detailType)) {
    throw new CliError(
      `event file ${path}: "detail-type" must be one of ${GOVERNANCE_DETAIL_TYPES.map((t) => `"${t}"`).join(', ')}`,
    );
  }
  const parsed = governanceDetailSchemas[detailType].safeParse(envelope?.detail);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `detail.${issue.path.join('.')}: ${issue.message}`);
    throw new CliError(`event file ${path} is not a valid "${detailType}" event`, 2, problems);
  }
  return { detailType, detail: parsed.data } as GovernanceEvent;
}
