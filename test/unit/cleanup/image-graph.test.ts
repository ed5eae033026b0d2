// How a repository's images reference each other: index → children (from the index manifests) and
// referrer → subject (DescribeImages' subjectManifestDigest).
import { buildImageGraph, type GraphImage } from '../../../shared/inventory/image-graph';
import { digestOf, OCI_INDEX, OCI_MANIFEST } from './repository-builder';

const [INDEX, AMD64, ARM64, SIGNATURE, GONE] = ['index', 'amd64', 'arm64', 'signature', 'gone'].map(
  digestOf,
) as [string, string, string, string, string];

function image(imageDigest: string, detail: GraphImage['detail'] = {}): GraphImage {
  return { imageDigest, detail: { imageManifestMediaType: OCI_MANIFEST, ...detail } };
}

describe('buildImageGraph', () => {
  it('links an index to its children and a referrer to its subject, both ways', () => {
    const images = [
      image(INDEX, { imageManifestMediaType: OCI_INDEX }),
      image(AMD64),
      image(ARM64),
      image(SIGNATURE, { subjectManifestDigest: INDEX }),
    ];

    const graph = buildImageGraph(images, new Map([[INDEX, [AMD64, ARM64]]]));

    expect(graph.children.get(INDEX)).toEqual([AMD64, ARM64]);
    expect(graph.parents.get(ARM64)).toEqual([INDEX]);
    expect(graph.referrers.get(INDEX)).toEqual([SIGNATURE]);
    expect(graph.subjects.get(SIGNATURE)).toBe(INDEX);
    expect([...graph.indexes]).toEqual([INDEX]);
  });

  it('leaves out references to images the repository does not hold, repeats and self-references', () => {
    const images = [
      image(INDEX, { imageManifestMediaType: OCI_INDEX }),
      image(AMD64),
      image(SIGNATURE, { subjectManifestDigest: GONE }),
    ];

    const graph = buildImageGraph(images, new Map([[INDEX, [AMD64, GONE, AMD64, INDEX]]]));

    expect(graph.children.get(INDEX)).toEqual([AMD64]);
    expect(graph.parents.has(GONE)).toBe(false);
    expect(graph.subjects.has(SIGNATURE)).toBe(false);
  });

  it('counts an image whose manifest lists children as an index even without an index media type', () => {
    const graph = buildImageGraph([image(INDEX), image(AMD64)], new Map([[INDEX, [AMD64]]]));

    expect(graph.indexes.has(INDEX)).toBe(true);
  });
});
