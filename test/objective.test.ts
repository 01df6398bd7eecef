import { AlertUrgency, MULTI_WINDOW_MULTI_BURN_RATE } from '../lib/model/burn-rate';
import { Objective } from '../lib/model/objective';
import { Sli } from '../lib/model/sli';

describe('Objective', () => {
  test('99.9 % over 30 days: budget 0.001, 43.2 minutes, the workbook factors', () => {
    const o = Objective.availability(99.9);
    expect(o.name).toBe('availability');
    expect(o.periodDays).toBe(30);
    expect(o.errorBudget).toBe(0.001);
    expect(o.errorBudgetMinutes).toBe(43.2);
    expect(o.burnRateAlerts.map((a) => [a.urgency, a.longWindow, a.shortWindow, a.factor, o.threshold(a)])).toEqual([
      [AlertUrgency.PAGE, '1h', '5m', 14.4, 0.0144],
      [AlertUrgency.PAGE, '6h', '30m', 6, 0.006],
      [AlertUrgency.TICKET, '1d', '2h', 3, 0.003],
      [AlertUrgency.TICKET, '3d', '6h', 1, 0.001],
    ]);
    expect(o.windows).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
    expect(o.describe()).toBe('99.9% over 30d (error budget 43.2 min)');
  });

  test('factors follow the period: 28 days, 99.5 %', () => {
    const o = Objective.availability(99.5, { periodDays: 28 });
    expect(o.errorBudget).toBe(0.005);
    expect(o.errorBudgetMinutes).toBe(201.6);
    expect(o.burnRateAlerts.map((a) => a.factor)).toEqual([13.44, 5.6, 2.8, 0.933333333333]);
  });

  test('forService fills the SLI from the protocol and keeps a given one', () => {
    const grpc = Objective.availability(99).forService('grpc');
    expect(grpc.sli.description).toBe('gRPC non-OK ratio of grpc_server_handled_total');
    expect(grpc.targetPercent).toBe(99);
    const own = Sli.ratio({ errors: 'jobs_total{outcome="failed"}', total: 'jobs_total' });
    expect(Objective.availability(99, { sli: own }).forService('grpc').sli).toBe(own);
  });

  test('custom windows, named objective', () => {
    const o = new Objective({
      name: 'checkout',
      targetPercent: 99,
      burnRateWindows: [{ urgency: AlertUrgency.PAGE, longWindow: '2h', shortWindow: '10m', budgetConsumedPercent: 5 }],
    });
    expect(o.windows).toEqual(['10m', '2h']);
    expect(o.burnRateAlerts[0].factor).toBe(18);
    expect(MULTI_WINDOW_MULTI_BURN_RATE).toHaveLength(4);
  });

  test('fails when the target is not between 0 and 100', () => {
    expect(() => Objective.availability(100)).toThrow(
      '[objective/availability] targetPercent must be above 0 and below 100, got 100',
    );
    expect(() => Objective.availability(0)).toThrow('targetPercent must be above 0 and below 100, got 0');
  });

  test('fails when the period or name is invalid', () => {
    expect(() => Objective.availability(99, { periodDays: 0.5 })).toThrow(
      '[objective/availability] periodDays must be a whole number >= 1, got 0.5',
    );
    expect(() => Objective.availability(99, { name: 'Avail' })).toThrow(
      '[objective/Avail] name must be a DNS-1123 label such as availability, got "Avail"',
    );
  });

  test('fails when a burn-rate window is invalid', () => {
    expect(() => Objective.availability(99, { burnRateWindows: [] })).toThrow(
      '[objective/availability] burnRateWindows must hold at least one window, got none',
    );
    expect(() =>
      Objective.availability(99, {
        burnRateWindows: [
          { urgency: AlertUrgency.PAGE, longWindow: '1hour', shortWindow: '5m', budgetConsumedPercent: 2 },
        ],
      }),
    ).toThrow(
      '[objective/availability] burn-rate longWindow must be a Prometheus duration of one unit (s, m, h, d or w) such as 30s, 5m, 1h or 3d, got "1hour"',
    );
    expect(() =>
      Objective.availability(99, {
        burnRateWindows: [
          { urgency: AlertUrgency.PAGE, longWindow: '1h', shortWindow: '5m', budgetConsumedPercent: 0 },
        ],
      }),
    ).toThrow('[objective/availability] burn-rate budgetConsumedPercent must be above 0 and at most 100, got 0');
  });
});
