import type { KnownBlock } from '@slack/types';
import type { GovernanceEvent } from '../../../shared/events/governance';
import {
  renderPlainText,
  renderSlackMessage,
  SLACK_LIMITS,
  type SlackMessage,
} from '../../../shared/notify/render-slack-message';
import { GOVERNANCE_FIXTURES, governanceEvent, manyAlertedFindings } from '../../support/fixtures';

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
  event.detail.findings = manyAlertedFindings(count, { epssScore: 0.5 });
  event.detail.findingCount = count;
  event.detail.severityCounts = { CRITICAL: 20, HIGH: count - 20 };
  return event;
}

/** The vulnerability alert fixture with one finding, changed by `finding`. */
function vulnerabilityAlertWith(finding: { vulnerabilityId: string; url: string }): GovernanceEvent {
  const event = governanceEvent('vulnerability-alert');
  if (event.detailType !== 'Vulnerability Alert') throw new Error('fixture changed');
  const [first] = event.detail.findings;
  if (first === undefined) throw new Error('fixture changed');
  event.detail.findings = [{ ...first, ...finding }];
  return event;
}

/** The mrkdwn of the message's findings list. */
function findingsText(message: SlackMessage): string {
  return message.blocks
    .flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []))
    .filter((text) => text.startsWith('*Findings'))
    .join('\n');
}

function consoleButtonUrl(message: SlackMessage): string | undefined {
  for (const block of message.blocks) {
    if (block.type !== 'actions') continue;
    for (const element of block.elements) if (element.type === 'button') return element.url;
  }
  return undefined;
}

describe('renderSlackMessage', () => {
  it.each(GOVERNANCE_FIXTURES)(
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

  it('escapes &, < and > in a finding link and its text, so a URL cannot close the link and add its own', () => {
    const event = vulnerabilityAlertWith({
      vulnerabilityId: 'CVE-2026-1|<!here>',
      url: 'https://nvd.example/a?x=1&y=<2>|<https://evil.example|click>',
    });

    const message = renderSlackMessage(event);

    const line = findingsText(message);
    expect(line).toContain(
      '<https://nvd.example/a?x=1&amp;y=%3C2%3E%7C%3Chttps://evil.example%7Cclick%3E|CVE-2026-1|&lt;!here&gt;>',
    );
    expect(line).not.toContain('<!here>');
    expect(line).not.toContain('<https://evil.example');
    expect(message.droppedLinks).toEqual([]);
  });

  it.each([
    ['javascript:alert(1)', 'scheme javascript: is not http or https'],
    ['data:text/html,hi', 'scheme data: is not http or https'],
    ['slack://open', 'scheme slack: is not http or https'],
    ['https://nvd.nist.gov@evil.example/', 'carries user info'],
  ])('drops a finding link %s and keeps the finding, saying why', (url, reason) => {
    const message = renderSlackMessage(vulnerabilityAlertWith({ vulnerabilityId: 'CVE-2026-7', url }));

    const line = findingsText(message);
    expect(line).toContain('CVE-2026-7');
    expect(line).not.toContain(url);
    expect(message.droppedLinks).toEqual([{ field: 'findings[0].url', reason }]);
  });

  it.each([
    'https://console.aws.amazon.com/ecr/home',
    'https://eu-west-1.console.aws.amazon.com/ecr/repositories?region=eu-west-1',
    'https://console.amazonaws-us-gov.com/ecr/home',
    'https://us-gov-west-1.console.amazonaws-us-gov.com/ecr/home',
    'https://console.amazonaws.cn/ecr/home',
    'https://cn-north-1.console.amazonaws.cn/ecr/home',
  ])('keeps the console button for the AWS console host of %s', (consoleUrl) => {
    const event = governanceEvent('tag-moved');
    event.detail.consoleUrl = consoleUrl;

    const message = renderSlackMessage(event);

    expect(consoleButtonUrl(message)).toBe(consoleUrl);
    expect(message.droppedLinks).toEqual([]);
  });

  it.each([
    ['https://evil.example/ecr', 'host evil.example is not an AWS console host'],
    [
      'https://console.aws.amazon.com.evil.example/',
      'host console.aws.amazon.com.evil.example is not an AWS console host',
    ],
    ['https://evilconsole.aws.amazon.com/', 'host evilconsole.aws.amazon.com is not an AWS console host'],
    ['https://signin.aws.amazon.com/', 'host signin.aws.amazon.com is not an AWS console host'],
    ['https://console.aws.amazon.com@evil.example/', 'carries user info'],
    ['https://console.aws.amazon.com:8443/', 'names port 8443'],
    ['http://console.aws.amazon.com/', 'scheme http: is not https'],
  ])('drops the console button when consoleUrl is %s, and says why', (consoleUrl, reason) => {
    const event = governanceEvent('tag-moved');
    event.detail.consoleUrl = consoleUrl;

    const message = renderSlackMessage(event);

    expect(consoleButtonUrl(message)).toBeUndefined();
    expect(message.blocks.at(-1)).toMatchObject({ type: 'context' });
    expect(message.droppedLinks).toEqual([{ field: 'consoleUrl', reason }]);
    expect(renderPlainText(event)).not.toContain(consoleUrl);
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

describe('renderSlackMessage of a held Cleanup Report', () => {
  it('leads with the hold and lists each in-use source that could not be read, escaped', () => {
    const event = governanceEvent('cleanup-report');
    const detail = {
      ...(event.detail as object),
      imagesDeleted: 0,
      held: true,
      imagesHeld: 4,
      inUseSourceFailures: [
        { source: 'kubernetes:prod-eks', reason: 'TimeoutError: no answer <after> 120 s' },
        {
          source: 'account:222222222222/us-east-1',
          reason: 'the workload role could not be assumed: AccessDenied',
        },
      ],
    };

    const message = renderSlackMessage({ detailType: 'Cleanup Report', detail } as GovernanceEvent);

    const text = JSON.stringify(message.blocks);
    expect(text).toContain('nothing deleted: 2 in-use source(s) could not be read; 4 deletion(s) wait');
    expect(text).toContain(
      ':no_entry: `kubernetes:prod-eks` could not be read: TimeoutError: no answer &lt;after&gt; 120 s',
    );
    expect(text).toContain('`account:222222222222/us-east-1` could not be read');
    expect(text.indexOf('Held')).toBeLessThan(text.indexOf('Reclaimed'));
    expectWithinSlackLimits(message);
  });
});

describe('renderPlainText', () => {
  it('gives the same facts without mrkdwn, for the CLI and logs', () => {
    const text = renderPlainText(governanceEvent('vulnerability-alert'));

    expect(text).toContain('Vulnerability Alert: payments/api (us-east-1) [CRITICAL]');
    expect(text).toContain(
      'CRITICAL CVE-2026-1234 (https://nvd.nist.gov/vuln/detail/CVE-2026-1234) openssl 3.0.13',
    );
    expect(text).toContain(
      'Runs in: 3 pods in prod-eks/payments, ECS service payments-api in 222222222222 (as of 2026-11-01 05:00 UTC)',
    );
    expect(text).not.toMatch(/[*`]/);
    expect(text).toContain('Console: https://us-east-1.console.aws.amazon.com/ecr/');
  });
});
