/**
 * Starts one DynamoDB Local (in memory), one fauxqs and one SES stand-in for the whole
 * integration run, on free ports, and hands their endpoints to the test files through
 * `inject('endpoints')` (typed in `./aws.ts`). Each test file makes its own table, bucket and queues
 * (`makeTestResources` in `./aws.ts`), so files can run in parallel on the same stand-ins.
 */
import type { TestProject } from 'vitest/node';
import {
  freePorts,
  type RunningEmulator,
  startDynamoDbLocal,
  startFauxqs,
  startSesLocal,
} from '#local/emulators.ts';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // The desk runs on Node 20 on purpose (see FACTS): the SDK's notice about Node 22 is noise here.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const started: RunningEmulator[] = [];
  const teardown = async () => {
    await Promise.allSettled(started.map((emulator) => emulator.stop()));
  };
  try {
    const [dynamodbPort = 0, fauxqsPort = 0, sesPort = 0] = await freePorts(3);
    const keep = (emulator: RunningEmulator) => {
      started.push(emulator);
      return emulator;
    };
    const [dynamodb, fauxqs, ses] = await Promise.all([
      startDynamoDbLocal({ port: dynamodbPort }).then(keep),
      startFauxqs({ port: fauxqsPort }).then(keep),
      startSesLocal({ port: sesPort }).then(keep),
    ]);
    project.provide('endpoints', {
      dynamodb: dynamodb.endpoint,
      sqs: fauxqs.endpoint,
      s3: fauxqs.endpoint,
      ses: ses.endpoint,
    });
  } catch (error) {
    // One stand-in failing (Java missing, say) must not leave the others running.
    await teardown();
    throw error;
  }
  return teardown;
}
