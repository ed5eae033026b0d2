import { SSMProvider } from '@aws-lambda-powertools/parameters/ssm';
import { GetParameterCommand, ParameterNotFound, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import {
  createWebhookUrlStore,
  InvalidWebhookUrlError,
  WebhookParameterError,
  WebhookParameterNotFoundError,
} from '../../../shared/aws/webhook-url-store';

const ssm = mockClient(SSMClient);
const SECRET_URL = 'https://hooks.slack.com/services/T0001/B0001/topSecretToken';

beforeEach(() => {
  ssm.reset();
});

/** A store on a fresh Powertools provider (its own cache), whose client is the mocked SSMClient. */
function store(maxAgeSeconds?: number) {
  return createWebhookUrlStore({
    provider: new SSMProvider({ awsSdkV3Client: new SSMClient({ region: 'us-east-1' }) }),
    ...(maxAgeSeconds === undefined ? {} : { maxAgeSeconds }),
  });
}

function holds(value: string) {
  ssm.on(GetParameterCommand).resolves({ Parameter: { Name: '/p', Type: 'SecureString', Value: value } });
}

describe('createWebhookUrlStore', () => {
  it('reads the SecureString decrypted, and serves it from the cache for 5 minutes', async () => {
    holds(SECRET_URL);
    const urls = store();

    const first = await urls.get('/ecr-warden/slack/security');
    const second = await urls.get('/ecr-warden/slack/security');

    expect([first, second]).toEqual([SECRET_URL, SECRET_URL]);
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: '/ecr-warden/slack/security', WithDecryption: true },
    ]);
  });

  it('names the parameter when it does not exist', async () => {
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'not found', $metadata: {} }));

    const reading = store().get('/ecr-warden/slack/missing');

    await expect(reading).rejects.toThrow(WebhookParameterNotFoundError);
    await expect(reading).rejects.toThrow(
      'SSM parameter /ecr-warden/slack/missing does not exist: create it as a SecureString holding the Slack webhook URL',
    );
  });

  it('names the parameter and the SSM error when it cannot be read', async () => {
    const denied = Object.assign(new Error('User is not authorized to perform: ssm:GetParameter'), {
      name: 'AccessDeniedException',
    });
    ssm.on(GetParameterCommand).rejects(denied);

    const reading = store().get('/ecr-warden/slack/security');

    await expect(reading).rejects.toThrow(WebhookParameterError);
    await expect(reading).rejects.toThrow(
      'cannot read SSM parameter /ecr-warden/slack/security: AccessDeniedException: User is not authorized',
    );
  });

  it('refuses a value that is not a URL without repeating the value', async () => {
    holds('topSecretToken pasted without the URL');

    const reading = store().get('/ecr-warden/slack/security');

    await expect(reading).rejects.toThrow(InvalidWebhookUrlError);
    await expect(reading).rejects.toThrow('SSM parameter /ecr-warden/slack/security does not hold a URL');
    await expect(reading).rejects.not.toThrow('topSecretToken');
  });

  it('refuses plain http except on loopback (the local Slack receiver)', async () => {
    holds('http://hooks.slack.com/services/T0001/B0001/topSecretToken');
    await expect(store().get('/a')).rejects.toThrow(
      'holds a http: URL; a Slack webhook URL starts with https://',
    );

    ssm.reset();
    holds('http://127.0.0.1:8080/services/T0001/B0001/local');
    await expect(store().get('/a')).resolves.toBe('http://127.0.0.1:8080/services/T0001/B0001/local');
  });
});
