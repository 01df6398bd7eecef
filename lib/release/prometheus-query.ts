import { getJson } from './http-json';

/**
 * The single value of an instant PromQL query against the Prometheus at `address`
 * (`/api/v1/query`). An unreachable server, a timeout, a query Prometheus rejects, and an
 * answer that is not exactly one number are one-line errors naming the server or the query.
 */
export async function queryScalar(address: string, query: string, timeoutSeconds: number): Promise<number> {
  const url = `${address}/api/v1/query?${new URLSearchParams({ query })}`;
  const { status, body } = await getJson('prometheus', url, { timeoutSeconds });
  const answer = body as
    | { status?: string; error?: string; errorType?: string; data?: { resultType?: string; result?: unknown[] } }
    | undefined;
  if (answer?.status !== 'success') {
    const detail = answer?.error ? `${answer.errorType ?? 'error'}: ${answer.error}` : `HTTP ${status}`;
    throw new Error(`prometheus ${address} rejected the query (${detail.split('\n')[0]}): ${query}`);
  }
  const result = answer.data?.result ?? [];
  if (answer.data?.resultType !== 'vector' || result.length !== 1) {
    throw new Error(
      `prometheus ${address} returned ${result.length} series for the query, expected exactly 1 (is the service scraped with these labels?): ${query}`,
    );
  }
  const value = Number((result[0] as { value?: [number, string] }).value?.[1]);
  if (Number.isNaN(value)) {
    throw new Error(`prometheus ${address} returned NaN for the query (no traffic in the window?): ${query}`);
  }
  return value;
}
