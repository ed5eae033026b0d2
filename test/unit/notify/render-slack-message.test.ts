import type { KnownBlock } from '@slack/types';
import type { GovernanceEvent } from '../../../shared/events/governance';
import {
  renderPlainText,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackMessage,
} from '../../../shared/notify/render-slack-message';
import { loadEventFixture } from '../../support/fixtures';

const FIXTURES = [
  'cleanup-report',
  'tag-moved',
  'repository-settings-drift',
  'vulnerability-alert',
  'vulnerability-digest',
  'replication-failure',
  'replication-audit-report',
];

function governanceEvent(name: string): GovernanceEvent {
  const envelope = loadEventFixture<{ 'detail-type': string; detail: unknown }>('ecr-warden', name);
  return { detailType: envelope['detail-type'], detail: envelope.detail } as GovernanceEvent;
}

/** Every text of a message that Slack limits, with the limit it must respect. */
function limitedTexts(blocks: KnownBlock[]): { where: string; length: number; max: number }[] {
  const out: { where: string; length: number; max: number }[] = [];
  blocks.forEach((block, index) => {
    if (block.type === 'header')
      out.push({ where: `${index} header`, length: block.text.text.length, max: 150 });
    if (block.type === 'section') {
      if (block.text) out.push({ where: `${index} section`, length: block.text.text.length, max: 3_000 });
      for (const field of block.fields ?? [])
        out.push({ where: `${index} field`, length: field.text.length, max: 2_000 });
      out.push({ where: `${index} field count`, length: block.fields?.length ?? 0, max: 10 });
    }
  });
  return out;
}

function expectWithinSlackLimits(message: SlackMessage): void {
  expect(message.blocks.length).toBeLessThanOrEqual(50);
  for (const text of limitedTexts(message.blocks)) {
    expect({ ...text, ok: text.length <= text.max }).toMatchObject({ ok: true });
  }
}

function manyFindings(count: number): GovernanceEvent {
  const event = governanceEvent('vulnerability-alert');
  if (event.detailType !== 'Vulnerability Alert') throw new Error('fixture changed');
  event.detail.findings = Array.from({ length: Math.min(count, 100) }, (_, n) => ({
    vulnerabilityId: `CVE-2026-${10_000 + n}`,
    severity: n < 20 ? 'CRITICAL' : 'HIGH',
    packageName: `library-with-a-rather-long-name-${n}`,
    installedVersion: '1.2.3-r4',
    fixedInVersion: '1.2.4-r0',
    score: 9.1,
    epssScore: 0.5,
    exploitAvailable: n % 2 === 0,
    change: 'new',
    url: `https://nvd.nist.gov/vuln/detail/CVE-2026-${10_000 + n}`,
  }));
  event.detail.findingCount = count;
  event.detail.severityCounts = { CRITICAL: 20, HIGH: count - 20 };
  return event;
}

describe('renderSlackMessage', () => {
  it.each(FIXTURES)(
    'renders %s within Slack limits, with header, summary, console button and context',
    (name) => {
      const event = governanceEvent(name);

      const message = renderSlackMessage(event);

      expectWithinSlackLimits(message);
      expect(message.blocks[0]).toMatchObject({ type: 'header' });
      expect(JSON.stringify(message.blocks[1])).toContain(event.detail.summary);
      expect(message.blocks.at(-2)).toMatchObject({
        type: 'actions',
        elements: [{ type: 'button', url: event.detail.consoleUrl }],
      });
      expect(message.blocks.at(-1)).toMatchObject({ type: 'context' });
      expect(message.text).toContain(event.detail.summary);
    },
  );

  it('puts severity, repository and region where people look first', () => {
    const message = renderSlackMessage(governanceEvent('tag-moved'));

    expect(message.blocks[0]).toMatchObject({ text: { text: 'Tag Moved: payments/api (us-east-1)' } });
    expect(JSON.stringify(message.blocks[1])).toContain('CRITICAL');
    expect(message.text.startsWith('CRITICAL Tag Moved:')).toBe(true);
  });

  it('renders an alert about 500 findings as one message within limits, ending with "and N more"', () => {
    const message = renderSlackMessage(manyFindings(500));

    expectWithinSlackLimits(message);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('CVE-2026-10000');
    expect(text).toMatch(/…and \d+ more/);
    const shown = (text.match(/CVE-2026-1\d{4}\|/g) ?? []).length;
    expect(text).toContain(`…and ${500 - shown} more`);
  });

  it('escapes &, < and > in texts that come from AWS, so they cannot break mrkdwn or fake a link', () => {
    const event = governanceEvent('repository-settings-drift');
    if (event.detailType === 'Repository Settings Drift')
      event.detail.changedBy = '<!channel> & <http://evil|x>';

    const message = renderSlackMessage(event);

    const text = JSON.stringify(message.blocks);
    expect(text).toContain('&lt;!channel&gt; &amp; &lt;http://evil|x&gt;');
    expect(text).not.toContain('<!channel>');
  });

  it('shortens a header that would pass 150 characters', () => {
    const event = governanceEvent('tag-moved');
    if (event.detailType === 'Tag Moved') event.detail.repositoryName = `team/${'a'.repeat(200)}`;

    const message = renderSlackMessage(event);

    expect(message.blocks[0]).toMatchObject({ type: 'header' });
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(SLACK_LIMITS.headerText);
  });
});

describe('renderPlainText', () => {
  it('gives the same facts without mrkdwn, for the CLI and logs', () => {
    const text = renderPlainText(governanceEvent('vulnerability-alert'));

    expect(text).toContain('Vulnerability Alert: payments/api (us-east-1) [CRITICAL]');
    expect(text).toContain(
      'CRITICAL CVE-2026-1234 (https://nvd.nist.gov/vuln/detail/CVE-2026-1234) openssl 3.0.13',
    );
    expect(text).not.toMatch(/[*`]/);
    expect(text).toContain('Console: https://us-east-1.console.aws.amazon.com/ecr/');
  });
});
