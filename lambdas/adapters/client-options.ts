/**
 * Every AWS SDK client of the functions fails fast: a connection within 1 s, an answer within 2 s,
 * at most 3 attempts — about 6.5 s in the worst case, below the 10 s timeout of the API functions,
 * so a slow or paused dependency becomes 503 UNAVAILABLE from the function, never the gateway's
 * bare 500 after a function timeout (SPEC §4). The API handler also answers 503 before its own
 * deadline when several such calls add up (lambdas/http/api-handler.ts).
 */
const AWS_CALL_BUDGET = { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, maxAttempts: 3 } as const;

export const awsClientOptions = {
  maxAttempts: AWS_CALL_BUDGET.maxAttempts,
  requestHandler: {
    connectionTimeout: AWS_CALL_BUDGET.connectionTimeoutMs,
    requestTimeout: AWS_CALL_BUDGET.requestTimeoutMs,
  },
};
