import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';

/** Apps prepared by `withPreparedApp`: their dependencies resolved and constructs validated once. */
const prepared = new Set<App>();

/**
 * Runs `fn` with `app` prepared once, as `Chart.toJson()` prepares it on every call (it resolves
 * the dependencies of the whole app and validates every construct, then lists its own chart's
 * objects): inside `fn`, `chartJson` only lists, so rendering N charts costs one pass over the
 * app instead of N. Nothing may add constructs inside `fn` (rendering reads the model).
 */
export function withPreparedApp<T>(app: App, fn: () => T): T {
  const first = app.node.findAll().find((c): c is Chart => Chart.isChart(c));
  if (first === undefined || prepared.has(app)) return fn();
  first.toJson();
  prepared.add(app);
  try {
    return fn();
  } finally {
    prepared.delete(app);
  }
}

/**
 * The objects of `chart` as JSON, in the order `chart.toJson()` gives them (its dependency
 * topology, only objects whose closest chart is `chart`); the same as `chart.toJson()`, without
 * preparing the app again when `withPreparedApp` did.
 */
export function chartJson(chart: Chart): any[] {
  if (!prepared.has(App.of(chart))) return chart.toJson();
  return new DependencyGraph(chart.node)
    .topology()
    .filter((x): x is ApiObject => x instanceof ApiObject)
    .filter((x) => Chart.of(x) === chart)
    .map((x) => x.toJson());
}
