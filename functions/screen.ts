// Entry point of the `screen` Lambda function (being written).
export const handler = async (_event: unknown): Promise<unknown> => {
  throw new Error('not implemented yet');
};
