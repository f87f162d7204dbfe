/**
 * How the command-line tools (`npm run directory:import`, `npm run kb:export`) reach the table of
 * the local desk that `npm start` runs: its DynamoDB Local endpoint and table name (overridable
 * with `AWS_ENDPOINT_URL_DYNAMODB` and `DESK_TABLE`), with a French message saying which is
 * wrong when the desk is not running or its data is not there.
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './emulators.ts';
import { localPorts } from './ports.ts';

/** The local desk's table, as a command reaches it. */
export type LocalTable = { dynamodb: DynamoDBClient; endpoint: string; tableName: string };

/** A client for the local desk's DynamoDB, failing fast when nothing answers. */
export function localTable(): LocalTable {
  // The SDK warns on every run that its 2027 releases need Node 22: known (the lockfile pins
  // it), and noise in front of a person reading a command's report.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const endpoint = process.env.AWS_ENDPOINT_URL_DYNAMODB || `http://127.0.0.1:${localPorts().dynamodb}`;
  const tableName = process.env.DESK_TABLE || 'assistance-lsun-local';
  const dynamodb = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2_000 },
  });
  return { dynamodb, endpoint, tableName };
}

/**
 * Checks that the local desk answers and has its table.
 * @param refusal builds the command's own error from the French message (`absent`: the table is
 *   missing; otherwise nothing answers)
 */
export async function checkLocalTable(
  { dynamodb, endpoint, tableName }: LocalTable,
  refusal: (problem: { absent: boolean; message: string; cause: unknown }) => Error,
): Promise<void> {
  try {
    await dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    const absent = (error as { name?: string }).name === 'ResourceNotFoundException';
    throw refusal({
      absent,
      cause: error,
      message: absent
        ? `La table ${tableName} n'existe pas dans le DynamoDB local (${endpoint}) : lancez d'abord npm start, ou réglez DESK_TABLE.`
        : `Le bureau local ne répond pas : lancez d'abord npm start (DynamoDB attendu sur ${endpoint}).`,
    });
  }
}
