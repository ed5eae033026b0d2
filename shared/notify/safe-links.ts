/**
 * Links in notifications come from event data (a finding's reference URL from Inspector or ECR, a
 * detector's console deep link), so they are checked before they become clickable in Slack:
 *
 * - **Console links** (the "Open in the AWS console" button) must be https on an AWS console host:
 *   `console.aws.amazon.com` or a regional `<region>.console.aws.amazon.com`
 *   (https://docs.aws.amazon.com/general/latest/gr/mgmt-console.html), the GovCloud (US) console
 *   `console.amazonaws-us-gov.com` (https://docs.aws.amazon.com/govcloud-us/latest/UserGuide/accessing-govcloud.html)
 *   and the China console `console.amazonaws.cn`, each also with a region label in front. Nothing else:
 *   a button to any https host would let whoever shapes an event send people anywhere.
 * - **Reference links** (a vulnerability's advisory) must be http or https (no `javascript:`, `data:`,
 *   `slack:` ...).
 * - Neither may carry user info (`https://console.aws.amazon.com@evil.example/` reads as AWS, goes to
 *   evil.example) or an explicit port.
 *
 * A link that fails is dropped from the message (the caller logs why), never fatal: the alert still goes
 * out without it.
 */

/** Why a link was left out of a message, for the log. */
export interface DroppedLink {
  /** Where the link came from, e.g. `consoleUrl`, `findings[3].url`. */
  field: string;
  reason: string;
}

const REGION_LABEL = '[a-z]{2}(?:-[a-z]+)+-\\d';
const CONSOLE_HOST = new RegExp(
  `^(?:${REGION_LABEL}\\.)?console\\.(?:aws\\.amazon\\.com|amazonaws-us-gov\\.com|amazonaws\\.cn)$`,
);

export type LinkCheck = { ok: true; href: string } | { ok: false; reason: string };

export function checkConsoleUrl(text: string): LinkCheck {
  const url = parse(text);
  if (url === undefined) return { ok: false, reason: 'not a URL' };
  if (url.protocol !== 'https:') return { ok: false, reason: `scheme ${url.protocol} is not https` };
  const problem = commonProblem(url);
  if (problem !== undefined) return { ok: false, reason: problem };
  if (!CONSOLE_HOST.test(url.hostname)) {
    return { ok: false, reason: `host ${url.hostname} is not an AWS console host` };
  }
  return { ok: true, href: url.href };
}

export function checkReferenceUrl(text: string): LinkCheck {
  const url = parse(text);
  if (url === undefined) return { ok: false, reason: 'not a URL' };
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: `scheme ${url.protocol} is not http or https` };
  }
  const problem = commonProblem(url);
  return problem === undefined ? { ok: true, href: url.href } : { ok: false, reason: problem };
}

/**
 * A mrkdwn link `<url|text>`. Slack's mrkdwn gives `&`, `<` and `>` control meaning and asks that they be
 * escaped as `&amp;`, `&lt;`, `&gt;` (https://docs.slack.dev/messaging/formatting-message-text, "Escaping text"),
 * in the URL as in the text; `|` would end the URL early, so it is percent-encoded there (the same URL).
 * `href` must come from checkConsoleUrl or checkReferenceUrl (a parsed, normalised URL).
 */
export function mrkdwnLink(href: string, text: string): string {
  return `<${escapeMrkdwn(href).replace(/\|/g, '%7C')}|${escapeMrkdwn(text)}>`;
}

/** mrkdwn control characters, escaped as Slack asks ("&", "<", ">"). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function parse(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function commonProblem(url: URL): string | undefined {
  if (url.username !== '' || url.password !== '') return 'carries user info';
  if (url.port !== '') return `names port ${url.port}`;
  return undefined;
}
