/**
 * The AWS prices the cost benchmark (bench/cost.ts) multiplies its counts by: eu-west-1 (Ireland),
 * on-demand, no free tier, read on 2026-12-07 through the search tool's stored pages (no live
 * access to aws.amazon.com from here). `confirmed` says whether the figure itself was seen for
 * eu-west-1; where it was not, the note says what was seen and what is assumed.
 */
export type Price = {
  /** Dollars per `per` units. */
  usd: number;
  per: number;
  unit: string;
  source: string;
  confirmed: boolean;
  note?: string;
};

const READ_ON = '2026-12-07';

export const prices = {
  lambdaRequests: {
    usd: 0.2,
    per: 1_000_000,
    unit: 'requests',
    source: 'https://aws.amazon.com/lambda/pricing/',
    confirmed: false,
    note: `read ${READ_ON}: the page's structure was found, not its eu-west-1 table; $0.20 per million is the same in every commercial region we know of. The page also says duration is rounded up to the ms and includes the initialization code (cold starts), which the bench does not time`,
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-s (arm64, first 7.5 billion a month)',
    source: 'https://cloudchipr.com/blog/aws-lambda-pricing',
    confirmed: false,
    note: `read ${READ_ON} (again at issue 12's cost work): the us-east-1 arm64 figure, first 7.5 billion GB-s; assumed identical in eu-west-1 (it was on the page when last read there)`,
  },
  sqsRequests: {
    usd: 0.4,
    per: 1_000_000,
    unit: 'requests (standard queue, each 64 KB chunk of a payload counts as one)',
    source: 'https://www.factualminds.com/blog/amazon-sqs-pricing-64kb-rule-fifo-vs-standard/',
    confirmed: false,
    note: `read ${READ_ON}: us-east-1 figure; assumed identical in eu-west-1`,
  },
  dynamodbWriteUnits: {
    usd: 0.7068,
    per: 1_000_000,
    unit: 'write request units (on-demand, 1 KB each, transactions 2)',
    source: 'https://engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb',
    confirmed: false,
    note: `read ${READ_ON}: the page gives eu-west-1 $1.4135 before the on-demand price halving of November 2024; halved here. The halving itself is seen for us-east-1: $0.625 per million WRU, $0.125 per million RRU after it (airbyte.com/data-engineering-resources/dynamodb-pricing), half of $1.25 and $0.25. Index writes are billed at this price too (the DynamoDB guide's "GSI.Writes", quoted on repost.aws "dynamodb cost for index writes")`,
  },
  dynamodbReadUnits: {
    usd: 0.1415,
    per: 1_000_000,
    unit: 'read request units (on-demand, 4 KB each, eventually consistent ½, transactions 2)',
    source: 'https://engineering-ed7.pages.dev/docs/architecture/aws/services/dynamodb',
    confirmed: false,
    note: `read ${READ_ON}: the page gives eu-west-1 $0.283 before the halving of November 2024; halved here (us-east-1 after it: $0.125, airbyte.com)`,
  },
  s3Put: {
    usd: 0.005,
    per: 1_000,
    unit: 'PUT, COPY, POST, LIST requests (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
    confirmed: false,
    note: `not found by the search tool on ${READ_ON}: the figure long published for eu-west-1`,
  },
  s3Get: {
    usd: 0.0004,
    per: 1_000,
    unit: 'GET, SELECT and other requests (S3 Standard)',
    source: 'https://aws.amazon.com/s3/pricing/',
    confirmed: false,
    note: `not found by the search tool on ${READ_ON}: the figure long published for eu-west-1`,
  },
  logsIngestion: {
    usd: 0.57,
    per: 1_000_000_000,
    unit: 'bytes ingested (CloudWatch Logs, standard class)',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    confirmed: false,
    note: `read ${READ_ON}: only us-east-1 ($0.50/GB, c3x.dev) and ap-northeast-1 ($0.76/GB, awsi.click) were found; $0.57 is the eu-west-1 figure long published`,
  },
  sesReceivedMails: {
    usd: 0.1,
    per: 1_000,
    unit: 'mails received',
    source: 'https://aws.amazon.com/ses/pricing/ (issue 12 quotes it)',
    confirmed: false,
    note: `read ${READ_ON}: the SES pricing page was not among the stored pages; the issue's figure`,
  },
  sesReceivedChunks: {
    usd: 0.09,
    per: 1_000,
    unit: 'incoming 256 KB chunks',
    source: 'https://aws.amazon.com/ses/pricing/ (issue 12 quotes it)',
    confirmed: false,
    note: `read ${READ_ON}: the issue's figure`,
  },
  sesSentMails: {
    usd: 0.1,
    per: 1_000,
    unit: 'mails sent (à la carte)',
    source: 'https://aws.amazon.com/ses/pricing/ (issue 12 quotes it)',
    confirmed: false,
    note: `read ${READ_ON}: the issue's figure`,
  },
} as const satisfies Record<string, Price>;

/** Dollars for `count` units at `price`. */
export function dollars(price: Price, count: number): number {
  return (count / price.per) * price.usd;
}
