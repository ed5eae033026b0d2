import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { GovernanceEvent } from '../../../shared/events/governance';
import { renderPlainText, renderSlackMessage } from '../../../shared/notify/render-slack-message';
import { loadEventFixture, PAYMENTS_PROD, paymentsProdAlert } from '../../support/fixtures';

// Slack under an Organizations hub (issue 15): every message names the account (alias when known) and
// the region. Without a hub, messages are exactly what they were before issue 15. (Routes by account:
// route-governance-event.test.ts.)

function event(name: string, change: (detail: Record<string, unknown>) => void = () => undefined) {
  const envelope = loadEventFixture<{ 'detail-type': string; detail: Record<string, unknown> }>(
    'ecr-warden',
    name,
  );
  change(envelope.detail);
  return { detailType: envelope['detail-type'], detail: envelope.detail } as GovernanceEvent;
}

describe('messages name the account and region', () => {
  it('puts the alias and region in the header and the text, and alias and id in the context line', () => {
    const message = renderSlackMessage(paymentsProdAlert(), { account: PAYMENTS_PROD });

    expect(message.blocks[0]).toMatchObject({
      type: 'header',
      text: { text: 'Vulnerability Alert: payments/api (payments-prod, us-east-1)' },
    });
    expect(message.text).toMatch(/^CRITICAL Vulnerability Alert \(payments-prod, us-east-1\): /);
    expect(message.blocks.at(-1)).toEqual({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: 'ecr-warden · account payments-prod (333333333333) · us-east-1 · Vulnerability Alert v1',
        },
      ],
    });
    expect(renderPlainText(paymentsProdAlert(), { account: PAYMENTS_PROD }).split('\n')[0]).toBe(
      'Vulnerability Alert: payments/api (payments-prod, us-east-1) [CRITICAL]',
    );
  });

  it('names an account without alias by its id', () => {
    const message = renderSlackMessage(paymentsProdAlert(), { account: { id: '333333333333' } });

    expect(message.blocks[0]).toMatchObject({
      text: { text: 'Vulnerability Alert: payments/api (333333333333, us-east-1)' },
    });
  });

  it('the digest of one account is one message headed by that account', () => {
    const digest = event('vulnerability-digest', (detail) => {
      detail.account = '333333333333';
      detail.accountAlias = 'payments-prod';
    });

    expect(renderSlackMessage(digest, { account: PAYMENTS_PROD }).blocks[0]).toMatchObject({
      text: { text: 'Vulnerability Digest: registry (payments-prod, us-east-1)' },
    });
  });
});

describe('without an organization section', () => {
  // Rendered by the code of main before issue 15's Slack changes (f66a003: every fixture of
  // test/events/ecr-warden through renderSlackMessage and renderPlainText), kept as the reference.
  const before = JSON.parse(
    readFileSync(join(__dirname, '../../fixtures/slack/messages-before-organizations.json'), 'utf8'),
  ) as Record<string, { slack: unknown; plainText: string }>;
  const fixtures = readdirSync(join(__dirname, '../../events/ecr-warden')).sort();

  it('has a reference message for every governance event fixture', () => {
    expect(Object.keys(before).sort()).toEqual(fixtures);
  });

  it.each(fixtures)('renders %s byte for byte as before', (file) => {
    const envelope = loadEventFixture<{ 'detail-type': string; detail: unknown }>(
      'ecr-warden',
      file.replace(/\.json$/, ''),
    );
    const governanceEvent = {
      detailType: envelope['detail-type'],
      detail: envelope.detail,
    } as GovernanceEvent;

    expect(JSON.stringify(renderSlackMessage(governanceEvent))).toBe(JSON.stringify(before[file]?.slack));
    expect(renderPlainText(governanceEvent)).toBe(before[file]?.plainText);
  });
});
