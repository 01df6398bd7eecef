import { App } from 'cdk8s';
import * as yaml from 'js-yaml';
import { FileSet } from '../lib/core/file-set';
import { promqlSyntaxError } from '../lib/core/promql';
import { alertRuleGroups } from '../lib/generators/alert-rules';
import { render } from '../lib/synth/render';
import { bazaar } from './fixtures/platforms/bazaar';
import { observed } from './fixtures/platforms/observed';
import { counter, describeWithPromtool, promtool, ruleFileOf, writeFile } from './support-promtool';
import { tempDirsRemovedAfterEach } from './support';

const temp = tempDirsRemovedAfterEach();

function renderObserved(): FileSet {
  return render(observed(new App()));
}

function rulesOf(files: FileSet, env: string): { groups: { name: string; rules: Record<string, unknown>[] }[] } {
  return yaml.load(ruleFileOf(files, `overlays/${env}/shared/prometheus-rules.yaml`)) as never;
}

describe('alert rules', () => {
  test('dev renders no PrometheusRule; staging the basic alerts with its own severities; prod basic and SLO groups', () => {
    const files = renderObserved();
    const paths = files.entries().map(([p]) => p);
    expect(paths).not.toContain('overlays/dev/shared/prometheus-rules.yaml');
    const staging = rulesOf(files, 'staging');
    expect(staging.groups.map((g) => g.name)).toEqual(['shop-workloads']);
    // staging autoscales nothing: no HPA alert
    expect(staging.groups[0].rules.map((r) => [r.alert, (r.labels as Record<string, string>).severity])).toEqual([
      ['PodCrashLooping', 'info'],
      ['PodNotReady', 'info'],
      ['PodRestarting', 'info'],
      ['DatastoreVolumeFillingUp', 'info'],
      ['DatastoreVolumeNearlyFull', 'warning'],
    ]);
    expect(staging.groups[0].rules[0].labels).toEqual({
      severity: 'info',
      urgency: 'ticket',
      environment: 'staging',
      team: 'shop',
    });
    const prod = rulesOf(files, 'prod');
    expect(prod.groups.map((g) => g.name)).toEqual([
      'shop-workloads',
      'shop-slo-cart-availability',
      'shop-slo-pay-availability',
      'shop-slo-mailer-availability',
    ]);
    expect(prod.groups[0].rules.map((r) => r.alert)).toContain('HorizontalPodAutoscalerAtMaximum');
  });

  test('the SLO group records seven windows and raises the four workbook alerts', () => {
    const prod = rulesOf(renderObserved(), 'prod');
    const cart = prod.groups.find((g) => g.name === 'shop-slo-cart-availability')!;
    expect(cart.rules.filter((r) => r.record).map((r) => r.record)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
    ]);
    expect(cart.rules[0]).toEqual({
      record: 'slo:sli_error:ratio_rate5m',
      expr:
        'sum(rate(http_requests_total{job="cart",namespace="shop-prod",code=~"5.."}[5m])) / ' +
        'sum(rate(http_requests_total{job="cart",namespace="shop-prod"}[5m]))',
      labels: { namespace: 'shop-prod', service: 'cart', slo: 'availability' },
    });
    const alerts = cart.rules.filter((r) => r.alert);
    expect(alerts.map((r) => r.expr)).toEqual([
      'slo:sli_error:ratio_rate5m{namespace="shop-prod",service="cart",slo="availability"} > (14.4 * 0.001) and slo:sli_error:ratio_rate1h{namespace="shop-prod",service="cart",slo="availability"} > (14.4 * 0.001)',
      'slo:sli_error:ratio_rate30m{namespace="shop-prod",service="cart",slo="availability"} > (6 * 0.001) and slo:sli_error:ratio_rate6h{namespace="shop-prod",service="cart",slo="availability"} > (6 * 0.001)',
      'slo:sli_error:ratio_rate2h{namespace="shop-prod",service="cart",slo="availability"} > (3 * 0.001) and slo:sli_error:ratio_rate1d{namespace="shop-prod",service="cart",slo="availability"} > (3 * 0.001)',
      'slo:sli_error:ratio_rate6h{namespace="shop-prod",service="cart",slo="availability"} > (1 * 0.001) and slo:sli_error:ratio_rate3d{namespace="shop-prod",service="cart",slo="availability"} > (1 * 0.001)',
    ]);
    expect(alerts.map((r) => (r.labels as Record<string, string>).severity)).toEqual([
      'critical',
      'critical',
      'warning',
      'warning',
    ]);
    // pay's own objective (99.95 %) and gRPC SLI; the worker's declared SLI under the table's SLO
    const pay = prod.groups.find((g) => g.name === 'shop-slo-pay-availability')!;
    expect(pay.rules[0].expr).toBe(
      'sum(rate(grpc_server_handled_total{job="pay",namespace="shop-prod",grpc_code!="OK"}[5m])) / ' +
        'sum(rate(grpc_server_handled_total{job="pay",namespace="shop-prod"}[5m]))',
    );
    expect(pay.rules.find((r) => r.alert)!.expr).toContain('> (14.4 * 0.0005)');
    const mailer = prod.groups.find((g) => g.name === 'shop-slo-mailer-availability')!;
    expect(mailer.rules[0].expr).toBe(
      'sum(rate(mails_total{job="mailer",namespace="shop-prod",outcome="failed"}[5m])) / ' +
        'sum(rate(mails_total{job="mailer",namespace="shop-prod"}[5m]))',
    );
  });

  test('every expression parses in-process', () => {
    const platform = observed(new App());
    for (const env of platform.environments.environments) {
      const groups = alertRuleGroups({
        platform: 'shop',
        env,
        services: platform.services,
        datastores: platform.datastores,
      });
      for (const rule of groups.flatMap((g) => g.rules)) expect(promqlSyntaxError(rule.expr)).toBeUndefined();
    }
  });
});

describeWithPromtool('promtool', () => {
  test('check rules accepts every generated rule file (the observed and bazaar fixtures)', () => {
    const dir = temp();
    const rendered = [renderObserved(), render(bazaar(new App()))].flatMap((files, i) =>
      files
        .entries()
        .filter(([p]) => p.endsWith('/prometheus-rules.yaml'))
        .map(([p]) => [`${i}-${p.split('/')[1]}.yaml`, ruleFileOf(files, p)] as const),
    );
    expect(rendered.map(([name]) => name)).toEqual(['0-prod.yaml', '0-staging.yaml', '1-prod.yaml', '1-staging.yaml']);
    for (const [name, content] of rendered) {
      const result = promtool(dir, 'check', 'rules', writeFile(dir, name, content));
      expect([name, result.status, result.output]).toEqual([name, 0, expect.stringContaining('SUCCESS')]);
    }
  });

  test('fails when a rule file is broken: promtool check rules exits 1', () => {
    const dir = temp();
    const file = writeFile(
      dir,
      'bad.yaml',
      'groups:\n  - name: x\n    rules:\n      - record: a\n        expr: sum(\n',
    );
    expect(promtool(dir, 'check', 'rules', file).status).toBe(1);
  });

  test('test rules: which burn-rate alerts fire for which error ratios', () => {
    const dir = temp();
    writeFile(dir, 'rules.yaml', ruleFileOf(renderObserved(), 'overlays/prod/shared/prometheus-rules.yaml'));
    // `clean` minutes of 100 requests a minute, then `errorsPerMinute` of them failing for `minutes`.
    const traffic = (
      service: string,
      ok: string,
      bad: string,
      clean: number,
      errorsPerMinute: number,
      minutes: number,
    ) => [
      {
        series: `${ok},job="${service}",namespace="shop-prod"}`,
        values: counter(clean + minutes, (m) => (m < clean ? 100 : 100 - errorsPerMinute)),
      },
      {
        series: `${bad},job="${service}",namespace="shop-prod"}`,
        values: counter(clean + minutes, (m) => (m < clean ? 0 : errorsPerMinute)),
      },
    ];
    const http = (clean: number, errorsPerMinute: number, minutes: number) =>
      traffic(
        'cart',
        'http_requests_total{code="200"',
        'http_requests_total{code="500"',
        clean,
        errorsPerMinute,
        minutes,
      );
    const grpc = (clean: number, errorsPerMinute: number, minutes: number) =>
      traffic(
        'pay',
        'grpc_server_handled_total{grpc_code="OK"',
        'grpc_server_handled_total{grpc_code="Unavailable"',
        clean,
        errorsPerMinute,
        minutes,
      );
    const BUDGET_SHARE: Record<string, [number, number]> = {
      '1h': [2, 14.4],
      '6h': [5, 6],
      '1d': [10, 3],
      '3d': [10, 1],
    };
    const burn = (
      urgency: string,
      severity: string,
      long: string,
      short: string,
      ratio: string,
      service = 'cart',
      target = '99.9',
    ) => ({
      exp_annotations: {
        summary: `${service} is burning its availability error budget ${BUDGET_SHARE[long][1]}x too fast (${long} and ${short} windows).`,
        description: `Objective ${target}% over 30d; at this rate ${BUDGET_SHARE[long][0]}% of the budget is spent in ${long}. Error ratio over ${short}: ${ratio}.`,
      },
      exp_labels: {
        alertname: 'ErrorBudgetBurn',
        namespace: 'shop-prod',
        service,
        slo: 'availability',
        severity,
        urgency,
        long_window: long,
        short_window: short,
        environment: 'prod',
        team: 'shop',
      },
    });
    // 22 clean hours make the long windows' ratios small enough that only the fast pair sees an hour of 2 %.
    const history = 22 * 60;
    const tests = [
      // 2 % errors: after 30 minutes nothing (the 1h ratio is 1 %), after an hour the fast page (14.4x over 1h and 5m), alone.
      {
        interval: '1m',
        input_series: http(history, 2, 70),
        alert_rule_test: [
          { eval_time: `${history + 30}m`, alertname: 'ErrorBudgetBurn', exp_alerts: [] },
          {
            eval_time: `${history + 65}m`,
            alertname: 'ErrorBudgetBurn',
            exp_alerts: [burn('page', 'critical', '1h', '5m', '2%')],
          },
        ],
      },
      // 0.05 % errors (half the budget's rate) for two hours: nothing fires.
      {
        interval: '1m',
        input_series: [
          {
            series: 'http_requests_total{code="200",job="cart",namespace="shop-prod"}',
            values: counter(120, () => 1999),
          },
          { series: 'http_requests_total{code="500",job="cart",namespace="shop-prod"}', values: counter(120, () => 1) },
        ],
        alert_rule_test: [{ eval_time: '120m', alertname: 'ErrorBudgetBurn', exp_alerts: [] }],
      },
      // 0.5 % for six hours: both tickets (3x over 1d and 2h, 1x over 3d and 6h), no page (6x is 0.6 %).
      {
        interval: '1m',
        input_series: http(0, 0.5, 360),
        alert_rule_test: [
          {
            eval_time: '360m',
            alertname: 'ErrorBudgetBurn',
            exp_alerts: [burn('ticket', 'warning', '1d', '2h', '0.5%'), burn('ticket', 'warning', '3d', '6h', '0.5%')],
          },
        ],
      },
      // gRPC: 2 % Unavailable on pay for 6 hours: its own 99.95 % objective raises all four.
      {
        interval: '1m',
        input_series: grpc(0, 2, 360),
        alert_rule_test: [
          {
            eval_time: '360m',
            alertname: 'ErrorBudgetBurn',
            exp_alerts: [
              burn('page', 'critical', '1h', '5m', '2%', 'pay', '99.95'),
              burn('page', 'critical', '6h', '30m', '2%', 'pay', '99.95'),
              burn('ticket', 'warning', '1d', '2h', '2%', 'pay', '99.95'),
              burn('ticket', 'warning', '3d', '6h', '2%', 'pay', '99.95'),
            ],
          },
        ],
      },
      // A container crash-looping for 20 minutes.
      {
        interval: '1m',
        input_series: [
          {
            series:
              'kube_pod_container_status_waiting_reason{namespace="shop-prod",pod="cart-1",container="cart",reason="CrashLoopBackOff"}',
            values: '1x20',
          },
        ],
        alert_rule_test: [
          {
            eval_time: '20m',
            alertname: 'PodCrashLooping',
            exp_alerts: [
              {
                exp_labels: {
                  namespace: 'shop-prod',
                  pod: 'cart-1',
                  container: 'cart',
                  reason: 'CrashLoopBackOff',
                  severity: 'warning',
                  urgency: 'ticket',
                  environment: 'prod',
                  team: 'shop',
                },
                exp_annotations: { summary: 'Container cart of pod cart-1 is crash-looping.' },
              },
            ],
          },
        ],
      },
    ];
    // The burn alerts' annotations depend on the value; promtool compares them only where given.
    writeFile(
      dir,
      'tests.yaml',
      yaml.dump({ rule_files: ['rules.yaml'], evaluation_interval: '1m', tests }, { lineWidth: -1 }),
    );
    const result = promtool(dir, 'test', 'rules', 'tests.yaml');
    expect(result.output).toContain('SUCCESS');
    expect(result.status).toBe(0);
  });
});
