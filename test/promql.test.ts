import { checkPromql, promqlSyntaxError } from '../lib/core/promql';

describe('promql', () => {
  test('valid expressions parse', () => {
    for (const expr of [
      'up',
      'sum by (namespace) (rate(http_requests_total{code=~"5.."}[5m])) > 0.1',
      'kube_pod_container_status_waiting_reason{reason="CrashLoopBackOff"} == 1',
      '(a > (14.4 * 0.001)) and (b > (14.4 * 0.001))',
    ]) {
      expect(promqlSyntaxError(expr)).toBeUndefined();
    }
  });

  test('the first error offset and what follows it', () => {
    expect(promqlSyntaxError('sum(rate(x[5m])) >')).toEqual({ offset: 18, near: '' });
    expect(promqlSyntaxError('sum(rate(x[5m]) ) ) + 1')).toMatchObject({ offset: 18 });
    expect(promqlSyntaxError('')).toEqual({ offset: 0, near: '' });
  });

  test('fails when an expression does not parse, naming the place', () => {
    expect(() => checkPromql('rules/x', 'expr', 'up{job="a"')).toThrow(
      '[rules/x] expr is not valid PromQL (at the end): "up{job=\\"a\\""',
    );
    expect(() => checkPromql('rules/x', 'expr', 'up ) or vector(1)')).toThrow(
      /^\[rules\/x\] expr is not valid PromQL \(at offset \d+ near ".*"\): "up \) or vector\(1\)"$/,
    );
  });
});
