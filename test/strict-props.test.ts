import { checkProps, shape } from '../lib/core/props-shape';
import { checkQuantity } from '../lib/core/checks';
import { bytes, milliCpu } from '../lib/core/quantity';
import { App } from 'cdk8s';
import {
  Datastore,
  DatastoreEngine,
  EnvironmentTable,
  JobTemplate,
  Microservice,
  Platform,
  Scaling,
  SharedConfig,
} from '../lib';
import { EnvironmentProps } from '../lib/model/environment';

const dev: EnvironmentProps = {
  name: 'dev',
  namespace: 'strict-dev',
  scaling: Scaling.fixed(1),
  resources: { cpu: '100m', memory: '128Mi' },
};

/** Builds a one-environment table from `extra` over dev, bypassing the compiler as a bundled main.ts does. */
function tableWith(extra: Record<string, unknown>): EnvironmentTable {
  return new EnvironmentTable([{ ...dev, ...extra } as unknown as EnvironmentProps]);
}

describe('checkProps', () => {
  const s = shape<{ name: string; port?: number; tags?: string[] }>('TestProps', {
    name: 'string',
    port: 'number',
    tags: 'strings',
  });

  test('accepts declared keys and undefined values', () => {
    expect(() => checkProps('t', { name: 'a', port: 1, tags: ['x'] }, s)).not.toThrow();
    expect(() => checkProps('t', { name: 'a', port: undefined }, s)).not.toThrow();
  });

  test('fails when a key is unknown, suggesting the nearest', () => {
    expect(() => checkProps('t', { name: 'a', prot: 1 }, s)).toThrow(
      '[t] unknown prop prot (TestProps), did you mean port? allowed: name, port, tags',
    );
    expect(() => checkProps('t', { name: 'a', zzzzzz: 1 }, s)).toThrow(
      '[t] unknown prop zzzzzz (TestProps); allowed: name, port, tags',
    );
  });

  test('fails when a value has the wrong kind', () => {
    expect(() => checkProps('t', { name: 'a', port: '80' }, s)).toThrow('[t] port must be a number, got "80"');
    expect(() => checkProps('t', { name: 'a', tags: ['x', 1] }, s)).toThrow(
      '[t] tags must be a list of strings, got ["x",1]',
    );
    expect(() => checkProps('t', 'x', s)).toThrow('[t] props must be an object (TestProps), got "x"');
  });
});

describe('the environment table is strict', () => {
  test('fails when an environment key is misspelt', () => {
    expect(() => tableWith({ resource: { cpu: '1', memory: '1Gi' } })).toThrow(
      '[environments/dev] unknown prop resource (EnvironmentProps), did you mean resources?',
    );
  });

  test('fails when a nested key is misspelt', () => {
    expect(() => tableWith({ resources: { cpu: '1', memroy: '1Gi' } })).toThrow(
      '[environments/dev] unknown prop resources.memroy (ResourceRequirements), did you mean memory?',
    );
  });

  test('fails when scaling is not a Scaling', () => {
    expect(() => tableWith({ scaling: { replicas: 2 } })).toThrow(
      '[environments/dev] scaling must be a Scaling (Scaling.fixed(n) or Scaling.autoscale({...})), got {"replicas":2}',
    );
  });

  test('fails when autoscale options hold an unknown key', () => {
    expect(() => Scaling.autoscale({ minReplicas: 1, maxReplicas: 2, cpu: 50 } as never)).toThrow(
      '[Scaling.autoscale] unknown prop cpu (AutoscaleOptions);',
    );
  });

  test('fails when Scaling.fixed(0) is used, pointing at per-service environments', () => {
    expect(() => tableWith({ scaling: Scaling.fixed(0) })).toThrow(
      '[environments/dev] replicas must be >= 1, got 0; to leave a service out of an environment, list the environments it runs in (MicroserviceProps.environments)',
    );
  });
});

describe('quantities', () => {
  test('reads every form the input check accepts', () => {
    expect(milliCpu('2e0')).toBe(2000);
    expect(milliCpu('250m')).toBe(250);
    expect(bytes('1.5Gi')).toBe(1.5 * 1024 ** 3);
    expect(bytes('1e3')).toBe(1000);
    expect(() => checkQuantity('p', 'cpu request', '2e0')).not.toThrow();
  });

  test('fails when a value is not a quantity', () => {
    expect(() => checkQuantity('p', 'cpu request', '2 cores')).toThrow(
      '[p] cpu request must be a Kubernetes quantity such as 500m, 0.5, 128Mi or 1Gi, got "2 cores"',
    );
  });

  test('fails when memory is given in millibytes', () => {
    expect(() => checkQuantity('p', 'memory request', '512m')).toThrow(
      '[p] memory request "512m" is in millibytes; allowed: bytes with a suffix such as 512Mi or 512M',
    );
  });
});

describe('every construct checks its props', () => {
  const table = () => new EnvironmentTable([dev]);
  const platform = () => new Platform(new App(), 'strict', { environments: table() });

  test('fails when a Platform prop is misspelt', () => {
    expect(() => new Platform(new App(), 'strict', { environments: table(), gitOps: {} } as never)).toThrow(
      '[strict] unknown prop gitOps (PlatformProps), did you mean gitops?',
    );
  });

  test('fails when a Datastore prop is misspelt', () => {
    expect(
      () => new Datastore(platform(), 'db', { engine: DatastoreEngine.POSTGRESQL, versoin: '16' } as never),
    ).toThrow('[strict/db] unknown prop versoin (DatastoreProps), did you mean version?');
  });

  test('fails when a SharedConfig secret key is misspelt', () => {
    const p = platform();
    const web = new Microservice(p, 'web', { image: 'strict/web', port: 80, initialTag: '1' });
    expect(
      () => new SharedConfig(p, 'common', { consumers: [web], secret: { name: 's', key: ['A'] } } as never),
    ).toThrow('[strict/common] unknown prop secret.key (SharedSecretProps), did you mean keys?');
  });

  test('fails when a JobTemplate prop has the wrong kind', () => {
    expect(
      () =>
        new JobTemplate(platform(), 'job', {
          namespace: 'jobs',
          image: 'strict/job:1',
          resources: { cpu: '1', memory: '1Gi' },
          backoffLimit: '3',
        } as never),
    ).toThrow('[strict/job] backoffLimit must be a number, got "3"');
  });
});

describe('variables Kubernetes would not expand or would override silently', () => {
  test('fails when a table variable holds $(VAR)', () => {
    expect(() => tableWith({ variables: { URL: 'http://$(HOST)' } })).toThrow(
      '[environments/dev] variable URL is "http://$(HOST)", but $(VAR) is never expanded in a ConfigMap; allowed: a literal value, or a connection template',
    );
  });

  test('fails when a table variable has the name of a connection', () => {
    const p = new Platform(new App(), 'strict', {
      environments: new EnvironmentTable([{ ...dev, variables: { WEB_URL: 'http://elsewhere' } }]),
    });
    const web = new Microservice(p, 'web', { image: 'strict/web', port: 80, initialTag: '1' });
    new Microservice(p, 'client', { image: 'strict/client', port: 80, initialTag: '1', connections: { WEB_URL: web } });
    expect(() => p.validate()).toThrow(
      "[strict/client] variable WEB_URL is set by dev's variables and by the service's connections (the container env would win silently); allowed: one of them",
    );
  });
});
