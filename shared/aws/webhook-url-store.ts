import { GetParameterError, ParameterNotFoundError } from '@aws-lambda-powertools/parameters/errors';
import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { EcrWardenError } from '../errors';
import { ssmClient } from './ssm-client';

/**
 * Slack webhook URLs, read from the SSM SecureString parameters that `notifications.routes[].webhookParameter`
 * names, decrypted, and cached for `maxAgeSeconds` across invocations of the execution environment (a
 * rotated URL is picked up within that time). A webhook URL is a secret: it is never logged and never
 * put in an error message; errors name the parameter instead.
 *
 * Decryption needs no kms:Decrypt statement in the function's role while the parameters use the AWS
 * managed key aws/ssm, whose key policy lets every principal of the account decrypt through SSM.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/ps-restrict-decryption.html
 */
export interface WebhookUrlStore {
  /** The webhook URL held by the parameter. Throws a WebhookParameterError naming the parameter. */
  get(parameterName: string): Promise<string>;
}

export class WebhookParameterError extends EcrWardenError {
  override name = 'WebhookParameterError';

  constructor(
    readonly parameterName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The parameter does not exist (SSM's ParameterNotFound). */
export class WebhookParameterNotFoundError extends WebhookParameterError {
  override name = 'WebhookParameterNotFoundError';

  constructor(parameterName: string, options?: ErrorOptions) {
    super(
      parameterName,
      `SSM parameter ${parameterName} does not exist: create it as a SecureString holding the Slack webhook URL (notifications.routes[].webhookParameter in ecr-warden.yml)`,
      options,
    );
  }
}

/** The parameter holds something that is not a webhook URL. The value is not repeated here. */
export class InvalidWebhookUrlError extends WebhookParameterError {
  override name = 'InvalidWebhookUrlError';
}

export interface WebhookUrlStoreSettings {
  /** Defaults to an SSMProvider on the execution environment's SSM client. */
  provider?: Pick<SSMProvider, 'get'>;
  maxAgeSeconds?: number;
}

/** Loopback hosts may use http (the local Slack receiver in tests and local runs); anything else needs https. */
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function createWebhookUrlStore(settings: WebhookUrlStoreSettings = {}): WebhookUrlStore {
  const provider = settings.provider ?? new SSMProvider({ awsSdkV3Client: ssmClient });
  const maxAge = settings.maxAgeSeconds ?? 300;

  return {
    async get(parameterName) {
      let value: string;
      try {
        value = await provider.get(parameterName, { decrypt: true, maxAge, throwOnMissing: true });
      } catch (error) {
        if (error instanceof ParameterNotFoundError) throw new WebhookParameterNotFoundError(parameterName);
        if (error instanceof GetParameterError) {
          // e.g. AccessDeniedException when the role lacks ssm:GetParameter on this parameter's ARN.
          const cause = error.cause instanceof Error ? error.cause : error;
          throw new WebhookParameterError(
            parameterName,
            `cannot read SSM parameter ${parameterName}: ${cause.name}: ${cause.message}`,
            { cause: error },
          );
        }
        throw error;
      }
      return checkWebhookUrl(parameterName, value);
    },
  };
}

/** Returns the URL without surrounding whitespace; throws InvalidWebhookUrlError without repeating the value. */
function checkWebhookUrl(parameterName: string, value: string): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidWebhookUrlError(parameterName, `SSM parameter ${parameterName} does not hold a URL`);
  }
  const secure = url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
  if (!secure) {
    throw new InvalidWebhookUrlError(
      parameterName,
      `SSM parameter ${parameterName} holds a ${url.protocol} URL; a Slack webhook URL starts with https://`,
    );
  }
  return text;
}
