/** An AWS SDK client mock that lasts one test file. */
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll } from 'vitest';

/**
 * `mockClient(Client)` patches `send` on the class itself, for every instance in the worker. `npm test` runs files
 * without per-file isolation (vitest.config.ts), so a mock left in place would answer for the next file's real
 * client: restore it when this file ends.
 */
export const mockAwsClient: typeof mockClient = (client, options) => {
  const mock = mockClient(client, options);
  afterAll(() => mock.restore());
  return mock;
};
