import { Sli } from '../lib/model/sli';
import { promqlSyntaxError } from '../lib/core/promql';

const selector = { namespace: 'shop-prod', job: 'catalogue' };

describe('Sli', () => {
  test('http: 5xx over all requests, matchers sorted and first', () => {
    expect(Sli.http().errorRatio('5m', selector)).toBe(
      'sum(rate(http_requests_total{job="catalogue",namespace="shop-prod",code=~"5.."}[5m])) / ' +
        'sum(rate(http_requests_total{job="catalogue",namespace="shop-prod"}[5m]))',
    );
    expect(Sli.http().description).toBe('HTTP 5xx ratio of http_requests_total');
  });

  test('http with its own counter and status label', () => {
    const sli = Sli.http({ metric: 'http_server_requests_seconds_count', statusLabel: 'status' });
    expect(sli.errorRatio('1h', { job: 'voting' })).toBe(
      'sum(rate(http_server_requests_seconds_count{job="voting",status=~"5.."}[1h])) / ' +
        'sum(rate(http_server_requests_seconds_count{job="voting"}[1h]))',
    );
  });

  test('grpc: non-OK over all RPCs', () => {
    expect(Sli.grpc().errorRatio('30m', selector)).toBe(
      'sum(rate(grpc_server_handled_total{job="catalogue",namespace="shop-prod",grpc_code!="OK"}[30m])) / ' +
        'sum(rate(grpc_server_handled_total{job="catalogue",namespace="shop-prod"}[30m]))',
    );
  });

  test('forProtocol picks the SLI of the protocol', () => {
    expect(Sli.forProtocol('grpc').errorRatio('5m', {})).toBe(Sli.grpc().errorRatio('5m', {}));
    expect(Sli.forProtocol('http').errorRatio('5m', {})).toBe(Sli.http().errorRatio('5m', {}));
  });

  test('an empty selector leaves only the counter own matchers', () => {
    expect(Sli.http().errorRatio('5m', {})).toBe(
      'sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total{}[5m]))',
    );
  });

  test('ratio of two counter selectors', () => {
    const sli = Sli.ratio({ errors: 'jobs_total{outcome="failed"}', total: 'jobs_total' });
    expect(sli.errorRatio('2h', { job: 'worker' })).toBe(
      'sum(rate(jobs_total{job="worker",outcome="failed"}[2h])) / sum(rate(jobs_total{job="worker"}[2h]))',
    );
    expect(sli.description).toBe('jobs_total{outcome="failed"} / jobs_total');
  });

  test('promql with placeholders, label values escaped', () => {
    const sli = Sli.promql({
      errorRatio: '1 - sum(rate(ok_total{{{matchers}}}[{{window}}])) / sum(rate(all_total{{{matchers}}}[{{window}}]))',
      description: 'checkout success',
    });
    expect(sli.errorRatio('3d', { job: 'a"b' })).toBe(
      '1 - sum(rate(ok_total{job="a\\"b"}[3d])) / sum(rate(all_total{job="a\\"b"}[3d]))',
    );
    expect(sli.description).toBe('checkout success');
  });

  test('every rendered expression parses as PromQL', () => {
    for (const sli of [Sli.http(), Sli.grpc(), Sli.ratio({ errors: 'a{b="c"}', total: 'a' })]) {
      for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
        expect(promqlSyntaxError(sli.errorRatio(window, selector))).toBeUndefined();
      }
    }
  });

  test('fails when a promql SLI does not parse', () => {
    expect(() => Sli.promql({ errorRatio: 'sum(rate(x{{{matchers}}}[{{window}}]) /' })).toThrow(
      '[sli] error ratio of "custom PromQL" is not valid PromQL (at the end): "sum(rate(x{job=\\"probe\\"}[5m]) /"',
    );
  });

  test('fails when a promql SLI lacks a placeholder', () => {
    expect(() => Sli.promql({ errorRatio: 'sum(rate(x[5m]))' })).toThrow(
      '[sli] promql errorRatio must use {{window}} so each window and workload gets its own series, got "sum(rate(x[5m]))"',
    );
  });

  test('fails when a ratio selector is not a metric selector', () => {
    expect(() => Sli.ratio({ errors: 'rate(x[5m])', total: 'x' })).toThrow(
      '[sli] ratio errors must be a metric selector such as requests_total or requests_total{code="500"}, got "rate(x[5m])"',
    );
  });

  test('fails when a metric or label name is invalid', () => {
    expect(() => Sli.http({ metric: 'http-requests' })).toThrow(
      '[sli] http metric must be a Prometheus metric name, got "http-requests"',
    );
    expect(() => Sli.grpc({ codeLabel: 'grpc.code' })).toThrow(
      '[sli] grpc codeLabel must be a Prometheus label name, got "grpc.code"',
    );
    expect(() => Sli.http().errorRatio('5m', { 'app.kubernetes.io/name': 'x' })).toThrow(
      '[sli] selector label must be a Prometheus label name, got "app.kubernetes.io/name"',
    );
  });

  test('fails when a window is not a one-unit duration', () => {
    expect(() => Sli.http().errorRatio('1h30m', selector)).toThrow(
      '[sli] error ratio window must be a Prometheus duration of one unit (s, m, h, d or w) such as 30s, 5m, 1h or 3d, got "1h30m"',
    );
  });
});
