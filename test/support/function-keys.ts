/**
 * The function keys of serverless.yml (a public contract), in the order the README lists them, each
 * with its file under functions/. No jest hooks here: tsx scripts (the README's reliability table)
 * import it too.
 */
export const HANDLER_FILES = {
  cleanupScheduler: 'cleanup-scheduler',
  cleanupWorker: 'cleanup-worker',
  tagImmutability: 'tag-immutability',
  scanFindings: 'scan-findings',
  replicationAudit: 'replication-audit',
  slackNotifier: 'slack-notifier',
} as const;

export type FunctionKey = keyof typeof HANDLER_FILES;

export const FUNCTION_KEYS = Object.keys(HANDLER_FILES) as readonly FunctionKey[];
