import { FUNCTION_ORDER, SCENARIOS } from './scenarios';

/** README.md's Reliability section: the catalogue of scenarios.ts, one table per function. */
export function renderReliabilityMarkdown(): string {
  const escapePipes = (text: string) => text.replace(/\|/g, '\\|');
  const parts = [
    `What the fault and bad-input suite (\`test/integration/reliability/\`, part of \`npm test\`) feeds each function as deployed, and what happens: ${SCENARIOS.length} scenarios, each one test (generated from \`test/reliability/scenarios.ts\` by \`npm run docs:reliability\`; \`npm test\` fails when this is stale). ECR, ECS and Lambda faults come from the registry simulator behind the real SDK clients and their retry strategy; SQS, EventBridge, SSM and DynamoDB faults are what the code sees once the SDK's own retries are spent. "Fails into its failure queue": Lambda retries the event twice, then sends it with the error to the function's on-failure queue. "Item failure": the message returns alone and, after the queue's maxReceiveCount, waits in the dead-letter queue. Either way the alarm on that queue fires.`,
  ];
  for (const fn of FUNCTION_ORDER) {
    const rows = SCENARIOS.filter((scenario) => scenario.fn === fn);
    if (rows.length === 0) continue;
    parts.push(
      [
        `| \`${fn}\`: tried | what happened |`,
        '|---|---|',
        ...rows.map((row) => `| ${escapePipes(row.tried)} | ${escapePipes(row.outcome)} |`),
      ].join('\n'),
    );
  }
  return `${parts.join('\n\n')}\n`;
}
