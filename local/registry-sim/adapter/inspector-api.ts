import {
  type CoverageStringFilter,
  type CoveredResource,
  ListCoverageCommand,
} from '@aws-sdk/client-inspector2';
import type { CoveredEcrImage } from '../model/inspector';
import { type PageLimits, paginate } from '../model/pagination';
import { serviceError } from '../model/simulated-error';
import { defineRoute, type Route } from './route';

// ListCoverage: maxResults 1-200; each filter holds 1-10 conditions.
// https://docs.aws.amazon.com/inspector/v2/APIReference/API_ListCoverage.html
// https://docs.aws.amazon.com/inspector/v2/APIReference/API_CoverageFilterCriteria.html
const INSPECTOR_PAGE: PageLimits = { min: 1, max: 200, default: 200, errorCode: 'ValidationException' };
const MAX_FILTER_VALUES = 10;

/** The string filters the simulator applies; any other filter is refused rather than ignored. */
const SUPPORTED_FILTERS = new Set(['resourceType', 'accountId', 'ecrRepositoryName', 'resourceId']);

function matches(filters: readonly CoverageStringFilter[] | undefined, value: string): boolean {
  if (filters === undefined) return true;
  if (filters.length === 0 || filters.length > MAX_FILTER_VALUES) {
    throw serviceError('ValidationException', `a filter holds 1-${MAX_FILTER_VALUES} conditions`);
  }
  const equals = filters.filter((f) => f.comparison === 'EQUALS');
  const notEquals = filters.filter((f) => f.comparison === 'NOT_EQUALS');
  return (
    (equals.length === 0 || equals.some((f) => f.value === value)) &&
    notEquals.every((f) => f.value !== value)
  );
}

function resourceId(image: CoveredEcrImage, region: string): string {
  return `arn:aws:ecr:${region}:${image.accountId}:repository/${image.repositoryName}/${image.imageDigest}`;
}

function coveredResource(image: CoveredEcrImage, region: string): CoveredResource {
  return {
    resourceType: 'AWS_ECR_CONTAINER_IMAGE',
    resourceId: resourceId(image, region),
    accountId: image.accountId,
    scanType: 'PACKAGE',
    scanStatus: { statusCode: image.scanStatusCode, reason: image.scanStatusReason as never },
    resourceMetadata: {
      ecrRepository: { name: image.repositoryName, scanFrequency: 'CONTINUOUS_SCAN' },
      ecrImage: {
        // The SDK's EcrContainerImageMetadata: tags, imagePulledAt, lastInUseAt, inUseCount (no push time).
        tags: [...image.imageTags],
        ...(image.imagePulledAt === undefined ? {} : { imagePulledAt: new Date(image.imagePulledAt) }),
        ...(image.lastInUseAt === undefined ? {} : { lastInUseAt: new Date(image.lastInUseAt) }),
        ...(image.inUseCount === undefined ? {} : { inUseCount: image.inUseCount }),
      },
    },
    ...(image.lastScannedAt === undefined ? {} : { lastScannedAt: new Date(image.lastScannedAt) }),
  };
}

export const inspectorRoutes: readonly Route[] = [
  defineRoute('inspector2', ListCoverageCommand, 'ListCoverage', (input, context) => {
    const state = context.world.services.inspector(context.accountId, context.region);
    const criteria = (input.filterCriteria ?? {}) as Record<string, CoverageStringFilter[] | undefined>;
    for (const key of Object.keys(criteria)) {
      if (criteria[key] !== undefined && !SUPPORTED_FILTERS.has(key)) {
        throw new Error(`registry-sim does not simulate the ListCoverage filter ${key}`);
      }
    }
    const images = state.images
      .filter(
        (image) =>
          matches(criteria.resourceType, 'AWS_ECR_CONTAINER_IMAGE') &&
          matches(criteria.accountId, image.accountId) &&
          matches(criteria.ecrRepositoryName, image.repositoryName) &&
          matches(criteria.resourceId, resourceId(image, state.region)),
      )
      .sort((a, b) => (resourceId(a, state.region) < resourceId(b, state.region) ? -1 : 1));
    const page = paginate(images, input, {
      scope: `ListCoverage|${state.accountId}|${state.region}|${JSON.stringify(criteria)}`,
      limits: INSPECTOR_PAGE,
      cursorOf: (image) => resourceId(image, state.region),
    });
    return {
      coveredResources: page.items.map((image) => coveredResource(image, state.region)),
      ...(page.nextToken === undefined ? {} : { nextToken: page.nextToken }),
    };
  }),
];
