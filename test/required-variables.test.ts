import { App } from 'cdk8s';
import { checkRequiredVariables, EnvironmentProps, EnvironmentTable, Microservice, Platform, Scaling } from '../lib';

const ENV = (name: string, variables: Record<string, string>): EnvironmentProps => ({
  name,
  namespace: `shop-${name}`,
  scaling: Scaling.fixed(1),
  resources: { cpu: '100m', memory: '128Mi' },
  variables,
});

function shop(envs: EnvironmentProps[]): { platform: Platform; web: Microservice } {
  const platform = new Platform(new App(), 'shop', { environments: new EnvironmentTable(envs) });
  const web = new Microservice(platform, 'web', {
    image: 'shop/web',
    port: 8000,
    initialTag: '1.0.0',
    variables: { LOG_LEVEL: 'INFO' },
  });
  return { platform, web };
}

describe('required variables are checked in every environment at synth time', () => {
  test('passes when the table, the service and another source provide every required variable', () => {
    // GIVEN ENVIRONMENT in the table, LOG_LEVEL on the service and DATABASE_URL from a secret in prod only
    const { platform } = shop([
      ENV('dev', { ENVIRONMENT: 'dev', DATABASE_URL: 'postgresql://db:5432/shop' }),
      ENV('prod', { ENVIRONMENT: 'prod' }),
    ]);
    // WHEN / THEN
    expect(() =>
      checkRequiredVariables(
        platform,
        { web: ['DATABASE_URL', 'ENVIRONMENT', 'LOG_LEVEL'] },
        { providedBy: (service, env) => (env.name === 'prod' && service.name === 'web' ? ['DATABASE_URL'] : []) },
      ),
    ).not.toThrow();
  });

  test('fails when a required variable is missing in one environment', () => {
    // GIVEN prod has no DATABASE_URL from any source
    const { platform } = shop([
      ENV('dev', { ENVIRONMENT: 'dev', DATABASE_URL: 'postgresql://db:5432/shop' }),
      ENV('prod', { ENVIRONMENT: 'prod' }),
    ]);
    // WHEN / THEN the error names the service, the environment and the variable
    expect(() => checkRequiredVariables(platform, { web: ['DATABASE_URL', 'ENVIRONMENT'] })).toThrow(
      '[shop/web] required variable DATABASE_URL missing in environment "prod"; set it in the environment table, the service or a secret reference',
    );
  });

  test('fails when several required variables are missing, naming them all', () => {
    const { platform } = shop([ENV('dev', {})]);
    expect(() => checkRequiredVariables(platform, { web: ['ENVIRONMENT', 'REDIS_URL'] })).toThrow(
      '[shop/web] required variable ENVIRONMENT, REDIS_URL missing in environment "dev"; set it in the environment table, the service or a secret reference',
    );
  });

  test('fails when a required variable names an unknown service', () => {
    const { platform } = shop([ENV('dev', {})]);
    expect(() => checkRequiredVariables(platform, { worker: ['REDIS_URL'] })).toThrow(
      '[shop/required-variables] required variables for unknown service "worker"; allowed: web',
    );
  });

  test('fails when a required variable name is not a valid variable name', () => {
    const { platform } = shop([ENV('dev', {})]);
    expect(() => checkRequiredVariables(platform, { web: ['1BAD NAME'] })).toThrow(
      '[shop/web/required-variables] environment variable name must match ^[-._a-zA-Z][-._a-zA-Z0-9]*$, got "1BAD NAME"',
    );
  });
});
