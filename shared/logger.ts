import { Logger } from '@aws-lambda-powertools/logger';

/**
 * The one logger, created once per execution environment. Service name and level come from
 * POWERTOOLS_SERVICE_NAME and LOG_LEVEL (set for every function in serverless.yml).
 */
export const logger = new Logger();
