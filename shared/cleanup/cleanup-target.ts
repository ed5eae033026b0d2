import { EventValidationError } from '../events/event-validation-error';
import { arnClaims, assertGoverned, type LocationClaim } from '../events/governed-scope';
import { directoryScope, type GovernedAccount } from '../organization/governed-accounts';
import type { CleanupRequest } from './cleanup-request';
import type { GovernedPlaces } from './governed-places';

/**
 * Where an Organizations hub's cleanup request asks the worker to act (issue 15), checked before
 * anything is read: a message on the cleanup queue is only what it claims, and a forged or stale one
 * (an account no longer governed, an ARN of another account than its registryId) must do nothing.
 */
export interface CleanupTarget {
  account: GovernedAccount;
  region: string;
}

// arn:<partition>:ecr:<region>:<account>:repository/<name>
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerregistry.html#amazonelasticcontainerregistry-resources-for-iam-policies
const REPOSITORY_ARN = /^arn:aws[a-z-]*:ecr:([a-z0-9-]+):(\d{12}):repository\/(.+)$/;

/**
 * The governed account × region of `request`: its registryId, its region (else its ARN's), and its
 * repository ARN must all name the same governed account and region and the same repository.
 * Throws an UngovernedEventError (outside the scope) or an EventValidationError (claims that disagree).
 */
export function resolveCleanupTarget(
  request: CleanupRequest,
  messageId: string,
  places: GovernedPlaces,
): CleanupTarget {
  const arn = REPOSITORY_ARN.exec(request.repositoryArn);
  if (arn === null) {
    throw new EventValidationError('cleanup request', messageId, [
      `repositoryArn: ${request.repositoryArn} is not an ECR repository ARN`,
    ]);
  }
  const [, arnRegion = '', arnAccount = '', arnName = ''] = arn;
  const region = request.region ?? arnRegion;
  const claims: LocationClaim[] = [
    { field: 'registryId', account: request.registryId },
    { field: 'region', region },
    ...arnClaims('repositoryArn', request.repositoryArn),
  ];
  assertGoverned(
    directoryScope(places.directory, places.regions),
    { kind: 'cleanup request', id: messageId },
    claims,
  );
  const disagreements = [
    ...(arnAccount === request.registryId
      ? []
      : [`repositoryArn names account ${arnAccount}, registryId ${request.registryId}`]),
    ...(arnRegion === region ? [] : [`repositoryArn names region ${arnRegion}, region ${region}`]),
    ...(arnName === request.repositoryName
      ? []
      : [`repositoryArn names repository ${arnName}, repositoryName ${request.repositoryName}`]),
  ];
  if (disagreements.length > 0) throw new EventValidationError('cleanup request', messageId, disagreements);
  const account = places.directory.get(request.registryId);
  // assertGoverned above has checked that the directory holds it.
  if (account === undefined) throw new EventValidationError('cleanup request', messageId, ['registryId']);
  return { account, region };
}
