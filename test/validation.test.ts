import { App } from 'cdk8s';
import { EnvironmentProps, EnvironmentTable, Microservice, MicroserviceProps, Platform, Scaling } from '../lib';

const DEV: EnvironmentProps = {
  name: 'dev',
  namespace: 'craftista-dev',
  scaling: Scaling.fixed(1),
  resources: { cpu: '100m', memory: '128Mi' },
};
const SERVICE: MicroserviceProps = { image: 'craftista/catalogue', port: 5000, initialTag: '1.0.0' };

function platform(envs: EnvironmentProps[] = [DEV]): Platform {
  return new Platform(new App(), 'craftista', { environments: new EnvironmentTable(envs) });
}

describe('bad model input fails with one line naming the path, the value and what is allowed', () => {
  test('fails when replicas is 0', () => {
    const p = platform();
    expect(
      () => new Microservice(p, 'catalogue', { ...SERVICE, overrides: { dev: { scaling: Scaling.fixed(0) } } }),
    ).toThrow('[craftista/catalogue/overrides/dev] replicas must be >= 1, got 0');
    expect(() => new EnvironmentTable([{ ...DEV, scaling: Scaling.fixed(0) }])).toThrow(
      '[environments/dev] replicas must be >= 1, got 0',
    );
  });

  test('fails when a service name is not DNS-1123', () => {
    expect(() => new Microservice(platform(), 'Catalogue_Svc', SERVICE)).toThrow(
      `[craftista/Catalogue_Svc] service name must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters), got "Catalogue_Svc"`,
    );
  });

  test('fails when a service is defined twice', () => {
    const p = platform();
    new Microservice(p, 'catalogue', SERVICE);
    expect(() => new Microservice(p, 'catalogue', SERVICE)).toThrow(
      '[craftista] duplicate service "catalogue": every service and datastore needs its own name',
    );
  });

  test('fails when HPA min > max', () => {
    expect(
      () => new EnvironmentTable([{ ...DEV, scaling: Scaling.autoscale({ minReplicas: 5, maxReplicas: 3 }) }]),
    ).toThrow('[environments/dev] autoscale minReplicas must be <= maxReplicas, got min 5 > max 3');
  });

  test('fails when a CPU or memory quantity is malformed', () => {
    expect(() => new EnvironmentTable([{ ...DEV, resources: { cpu: '100m', memory: '128MB' } }])).toThrow(
      '[environments/dev] memory request must be a Kubernetes quantity such as 500m, 0.5, 128Mi or 1Gi, got "128MB"',
    );
    expect(
      () =>
        new Microservice(platform(), 'catalogue', { ...SERVICE, overrides: { dev: { resources: { cpu: 'lots' } } } }),
    ).toThrow(
      '[craftista/catalogue/overrides/dev] resources.cpu must be a Kubernetes quantity such as 500m, 0.5, 128Mi or 1Gi, got "lots"',
    );
  });

  test('fails when an override names an unknown environment', () => {
    const p = platform();
    new Microservice(p, 'catalogue', { ...SERVICE, overrides: { production: { resources: { memory: '1Gi' } } } });
    expect(() => p.validate()).toThrow(
      '[craftista/catalogue] override for unknown environment "production"; allowed: dev',
    );
  });

  test('fails when the port is out of range', () => {
    expect(() => new Microservice(platform(), 'catalogue', { ...SERVICE, port: 70000 })).toThrow(
      '[craftista/catalogue] port must be an integer from 1 to 65535, got 70000',
    );
  });

  test('fails when the image carries a tag', () => {
    expect(() => new Microservice(platform(), 'catalogue', { ...SERVICE, image: 'craftista/catalogue:1.0' })).toThrow(
      '[craftista/catalogue] image must be a repository without tag or digest (e.g. craftista/catalogue), got "craftista/catalogue:1.0"',
    );
  });

  test('fails when serviceVariables name an unknown service', () => {
    const p = platform([{ ...DEV, serviceVariables: { catalog: { FLASK_DEBUG: 'True' } } }]);
    new Microservice(p, 'catalogue', SERVICE);
    expect(() => p.validate()).toThrow(
      '[environments/dev] serviceVariables for unknown service "catalog"; allowed: catalogue',
    );
  });

  test('fails when environment names repeat or promotedFrom is unknown or cyclic', () => {
    expect(() => new EnvironmentTable([DEV, DEV])).toThrow(
      '[environments/dev] duplicate environment name "dev": names must be unique',
    );
    expect(() => new EnvironmentTable([{ ...DEV, promotedFrom: 'qa' }])).toThrow(
      '[environments/dev] promotedFrom "qa" is not an environment; allowed: dev',
    );
    expect(
      () =>
        new EnvironmentTable([
          { ...DEV, promotedFrom: 'prod' },
          { ...DEV, name: 'prod', namespace: 'p', promotedFrom: 'dev' },
        ]),
    ).toThrow('[environments/dev] promotedFrom links form a cycle through "dev"');
  });

  test('fails when a variable name is invalid', () => {
    expect(() => new EnvironmentTable([{ ...DEV, variables: { 'LOG LEVEL': 'x' } }])).toThrow(
      '[environments/dev] environment variable name must match ^[-._a-zA-Z][-._a-zA-Z0-9]*$, got "LOG LEVEL"',
    );
  });

  test('fails when the platform has no service', () => {
    expect(() => platform().validate()).toThrow('[craftista] a platform needs at least one service, got none');
  });
});
