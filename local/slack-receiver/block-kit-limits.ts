/**
 * The Block Kit limits that Slack enforces on a message and that ecr-warden's messages can reach.
 * Slack refuses a message that breaks one of them with HTTP 400 `invalid_blocks` (the whole message,
 * not the offending block). Limits from Slack's Block Kit reference:
 * https://docs.slack.dev/reference/block-kit/blocks (50 blocks per message)
 * https://docs.slack.dev/reference/block-kit/blocks/section-block (text 1-3,000 characters; at most
 *   10 fields of at most 2,000 characters; text or fields required)
 * https://docs.slack.dev/reference/block-kit/blocks/header-block (plain_text, at most 150 characters)
 * Block types it does not know are accepted as they are.
 */

export const MAX_BLOCKS_PER_MESSAGE = 50;
export const MAX_SECTION_TEXT_LENGTH = 3000;
export const MAX_SECTION_FIELDS = 10;
export const MAX_SECTION_FIELD_TEXT_LENGTH = 2000;
export const MAX_HEADER_TEXT_LENGTH = 150;
export const MAX_BLOCK_ID_LENGTH = 255;

/** The first limit `blocks` breaks, as `blocks[3].text.text: ...`, or undefined when it is valid. */
export function findBlockKitViolation(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return 'blocks: must be an array';
  if (blocks.length > MAX_BLOCKS_PER_MESSAGE) {
    return `blocks: ${blocks.length} blocks, at most ${MAX_BLOCKS_PER_MESSAGE} are allowed`;
  }
  for (const [index, block] of blocks.entries()) {
    const violation = findBlockViolation(block, `blocks[${index}]`);
    if (violation !== undefined) return violation;
  }
  return undefined;
}

function findBlockViolation(block: unknown, path: string): string | undefined {
  if (!isRecord(block) || typeof block.type !== 'string') return `${path}.type: required`;
  if (block.block_id !== undefined) {
    if (typeof block.block_id !== 'string' || block.block_id.length > MAX_BLOCK_ID_LENGTH) {
      return `${path}.block_id: a string of at most ${MAX_BLOCK_ID_LENGTH} characters`;
    }
  }
  switch (block.type) {
    case 'section':
      return findSectionViolation(block, path);
    case 'header':
      return findTextViolation(block.text, `${path}.text`, {
        maxLength: MAX_HEADER_TEXT_LENGTH,
        plainTextOnly: true,
      });
    default:
      return undefined;
  }
}

function findSectionViolation(block: Record<string, unknown>, path: string): string | undefined {
  if (block.text === undefined && block.fields === undefined) return `${path}: text or fields required`;
  if (block.text !== undefined) {
    const violation = findTextViolation(block.text, `${path}.text`, { maxLength: MAX_SECTION_TEXT_LENGTH });
    if (violation !== undefined) return violation;
  }
  if (block.fields !== undefined) {
    if (!Array.isArray(block.fields)) return `${path}.fields: must be an array`;
    if (block.fields.length > MAX_SECTION_FIELDS) {
      return `${path}.fields: ${block.fields.length} fields, at most ${MAX_SECTION_FIELDS} are allowed`;
    }
    for (const [index, field] of block.fields.entries()) {
      const violation = findTextViolation(field, `${path}.fields[${index}]`, {
        maxLength: MAX_SECTION_FIELD_TEXT_LENGTH,
      });
      if (violation !== undefined) return violation;
    }
  }
  return undefined;
}

/** A text object: `{type: 'plain_text' | 'mrkdwn', text}` with 1 to maxLength characters. */
function findTextViolation(
  text: unknown,
  path: string,
  rules: { maxLength: number; plainTextOnly?: boolean },
): string | undefined {
  if (!isRecord(text)) return `${path}: a text object is required`;
  const allowed = rules.plainTextOnly === true ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof text.type !== 'string' || !allowed.includes(text.type)) {
    return `${path}.type: must be ${allowed.join(' or ')}`;
  }
  if (typeof text.text !== 'string' || text.text.length === 0) return `${path}.text: required`;
  // Slack counts characters; JavaScript's length counts UTF-16 code units. Count code points.
  const length = [...text.text].length;
  if (length > rules.maxLength) {
    return `${path}.text: ${length} characters, at most ${rules.maxLength} are allowed`;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
