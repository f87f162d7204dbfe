/**
 * The public search index of the knowledge base, as the export step leaves it in S3
 * (`kb/search-index.json`: the published public articles only), read by the functions that search
 * it for people who are not staff: the `ticket` step's suggestions in acknowledgments, and the
 * public search route.
 *
 * Each container keeps the index it loaded and asks S3 again only when it is older than
 * `maxAgeMs`, with the ETag it has (a 304 costs a request, no transfer, no parse): a publication
 * reaches the acknowledgments within that delay, and a burst of mails reads S3 once.
 */
import type { S3ObjectReader } from '#shared/adapters/clients/s3-object-reader.ts';
import { articleUrl } from '#shared/domain/article.ts';
import type { ArticleSuggester } from '#shared/domain/kb-ports.ts';
import { ArticleIndex } from '#shared/kb/search.ts';

/** Where the export step writes the public index, in the knowledge base's bucket. */
export const PUBLIC_INDEX_KEY = 'kb/search-index.json';

/** The current public index. */
export type PublicIndexReader = { current(): Promise<ArticleIndex> };

/**
 * Reads the public index, cached per container.
 *
 * Before the first publication there is no file: the index is empty (no suggestion, no public
 * result). When S3 cannot be read and an index was loaded before, that one goes on serving until
 * the next attempt (`maxAgeMs` later); with none loaded yet, the error is thrown.
 */
export function makePublicIndexReader(options: {
  /** The signed-GET reader (`clients/s3-object-reader.ts`), or the S3 client's (`s3Objects`). */
  objects: S3ObjectReader;
  bucket: string;
  /** How long a loaded index is used before S3 is asked whether it changed. Default 30 s. */
  maxAgeMs?: number;
  clock?: () => number;
}): PublicIndexReader {
  const { objects, bucket, maxAgeMs = 30_000, clock = Date.now } = options;
  let loaded: { index: ArticleIndex; etag: string | undefined; checkedAt: number } | undefined;
  let reading: Promise<ArticleIndex> | undefined;

  async function read(): Promise<ArticleIndex> {
    const checkedAt = clock();
    try {
      const answer = await objects.getObject({
        Bucket: bucket,
        Key: PUBLIC_INDEX_KEY,
        IfNoneMatch: loaded?.etag,
      });
      const json = Buffer.from(answer.Body).toString('utf8');
      loaded = { index: ArticleIndex.load(json), etag: answer.ETag, checkedAt };
    } catch (error) {
      if (loaded && statusOf(error) === 304) {
        loaded = { ...loaded, checkedAt };
      } else if (isMissing(error)) {
        loaded = { index: ArticleIndex.build([]), etag: undefined, checkedAt };
      } else if (loaded) {
        loaded = { ...loaded, checkedAt };
      } else {
        throw new PublicIndexUnreadableError(bucket, { cause: error });
      }
    }
    return loaded.index;
  }

  return {
    current() {
      if (loaded && clock() - loaded.checkedAt < maxAgeMs) return Promise.resolve(loaded.index);
      // Concurrent records of one batch share one read.
      reading ??= read().finally(() => {
        reading = undefined;
      });
      return reading;
    },
  };
}

/** Suggests published public articles from the public index, with their public links. */
export function makeArticleSuggester(options: {
  index: PublicIndexReader;
  publicBaseUrl: string;
}): ArticleSuggester {
  return {
    async suggest(question, limit) {
      const index = await options.index.current();
      return index.suggest(question, { limit }).map((hit) => ({
        id: hit.id,
        title: hit.title,
        url: articleUrl(options.publicBaseUrl, hit.id),
        score: hit.score,
      }));
    },
  };
}

function statusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

function isMissing(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || statusOf(error) === 404;
}

/** The public index could not be read and no earlier copy is at hand. */
export class PublicIndexUnreadableError extends Error {
  override name = 'PublicIndexUnreadableError';
  constructor(bucket: string, options: { cause: unknown }) {
    super(`The knowledge base's public index could not be read from bucket ${bucket}`, options);
  }
}
