import * as path from 'path';
import { ApiObject, App, Chart } from 'cdk8s';
import { bazaar } from './fixtures/platforms/bazaar';
import { fleet } from './fixtures/platforms/fleet';
import { chartJson, withPreparedApp } from '../lib/constructs/chart-json';
import { loadApp } from '../lib/synth/load-app';
import { resolveAppEntry } from '../lib/synth/app-entry';

const charts = (app: App) => app.node.findAll().filter((c): c is Chart => Chart.isChart(c));

describe('chartJson inside withPreparedApp', () => {
  const apps: [string, () => App][] = [
    ['main.ts', () => App.of(loadApp(resolveAppEntry({ app: path.resolve(__dirname, '..', 'main.ts') })).platform)],
    ['bazaar', () => App.of(bazaar(new App()))],
    ['fleet', () => App.of(fleet(new App()))],
  ];

  test.each(apps)('%s: every chart lists what Chart.toJson() gives, object for object and in order', (_, make) => {
    const app = make();
    const expected = charts(app).map((c) => c.toJson());
    expect(expected.flat().length).toBeGreaterThan(10);
    expect(withPreparedApp(app, () => charts(app).map(chartJson))).toEqual(expected);
  });

  test('an explicit dependency between objects orders them as Chart.toJson() does', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    const first = new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    const second = new ApiObject(chart, 'b', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    first.addDependency(second);
    const expected = chart.toJson();
    expect(expected.map((o) => o.metadata.name)).toEqual(['b', 'a']);
    expect(withPreparedApp(app, () => chartJson(chart))).toEqual(expected);
  });

  test('outside withPreparedApp it is Chart.toJson(), and the preparation ends with the function', () => {
    const app = new App();
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'a', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } });
    expect(chartJson(chart)).toEqual(chart.toJson());
    withPreparedApp(app, () => undefined);
    // A construct added after the preparation is seen: chartJson prepares again outside of it.
    new ApiObject(chart, 'z', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'z' } });
    expect(chartJson(chart).map((o) => o.metadata.name)).toEqual(['a', 'z']);
  });
});
