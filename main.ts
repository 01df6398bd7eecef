import { App } from 'cdk8s';
import { EnvironmentTable, Microservice, Platform, runMain, Scaling } from './lib';

/**
 * Craftista's environment table (seed 003): the one place where dev, staging and prod differ.
 * A new environment is one more entry here.
 */
export const environments = new EnvironmentTable([
  {
    name: 'dev',
    namespace: 'craftista-dev',
    purpose: 'Active development',
    scaling: Scaling.fixed(1),
    resources: { cpu: '100m', memory: '128Mi' },
    allowLatestTag: true,
    validation: { severities: { 'latest-tag': 'warning' } },
    variables: { LOG_LEVEL: 'DEBUG' },
    operations: {
      metrics: 'Basic',
      logging: 'Console',
      tracing: false,
      alerts: 'None',
      secretsRotation: 'Manual',
      vulnerabilityScanning: 'Weekly',
      disasterRecovery: 'None',
      estimatedMonthlyCost: '$50-100',
      testing: ['Unit tests', 'Integration tests', 'Developer smoke tests', 'Rapid iteration'],
    },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'True' },
      frontend: { NODE_ENV: 'development' },
      recommendation: { GIN_MODE: 'debug' },
    },
  },
  {
    name: 'staging',
    namespace: 'craftista-staging',
    purpose: 'Pre-production testing',
    scaling: Scaling.fixed(2),
    resources: { cpu: '200m', memory: '256Mi' },
    promotedFrom: 'dev',
    variables: { LOG_LEVEL: 'INFO' },
    operations: {
      metrics: 'Full',
      logging: 'Aggregated',
      tracing: true,
      alerts: 'Basic',
      secretsRotation: 'Manual',
      vulnerabilityScanning: 'Daily',
      disasterRecovery: 'Manual',
      rtoHours: 4,
      rpoHours: 24,
      estimatedMonthlyCost: '$150-250',
      testing: [
        'Full integration tests',
        'End-to-end tests',
        'Performance tests',
        'Security scans',
        'UAT (User Acceptance Testing)',
        'Load testing',
      ],
    },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'False' },
      frontend: { NODE_ENV: 'staging' },
      recommendation: { GIN_MODE: 'release' },
    },
  },
  {
    name: 'prod',
    namespace: 'craftista-prod',
    purpose: 'Production',
    scaling: Scaling.autoscale({ minReplicas: 3, maxReplicas: 10 }),
    resources: { cpu: '500m', memory: '512Mi' },
    promotedFrom: 'staging',
    requiresApproval: true,
    variables: { LOG_LEVEL: 'WARN' },
    operations: {
      metrics: 'Full + Alerts',
      logging: 'Aggregated + Retention',
      tracing: true,
      alerts: 'Comprehensive',
      uptimeSlaPercent: 99.9,
      secretsRotation: 'Automated',
      vulnerabilityScanning: 'Daily',
      disasterRecovery: 'Automated',
      rtoHours: 1,
      rpoHours: 1,
      estimatedMonthlyCost: '$500-1000',
      testing: [
        'Smoke tests post-deployment',
        'Synthetic monitoring',
        'Real user monitoring',
        'Canary deployments',
        'Blue/green deployments',
      ],
    },
    serviceVariables: {
      catalogue: { FLASK_DEBUG: 'False' },
      frontend: { NODE_ENV: 'production' },
      recommendation: { GIN_MODE: 'release' },
    },
  },
]);

/** Builds the Craftista platform into `app`. */
export function craftista(app: App): Platform {
  const platform = new Platform(app, 'craftista', { environments });
  const catalogue = new Microservice(platform, 'catalogue', {
    image: 'craftista/catalogue',
    initialTag: '1.4.2',
    port: 5000,
    healthPath: '/api/products',
    variables: { FLASK_APP: 'app.py' },
  });
  const voting = new Microservice(platform, 'voting', {
    image: 'craftista/voting',
    initialTag: '2.1.0',
    port: 8080,
    healthPath: '/api/origamis',
    livenessInitialDelaySeconds: 60,
  });
  const recommendation = new Microservice(platform, 'recommendation', {
    image: 'craftista/recommendation',
    initialTag: '1.2.5',
    port: 8080,
    healthPath: '/api/recommendation-status',
  });
  new Microservice(platform, 'frontend', {
    image: 'craftista/frontend',
    initialTag: '1.8.0',
    port: 3000,
    component: 'frontend',
    healthPath: '/',
    connections: {
      PRODUCTS_API_BASE_URI: catalogue,
      VOTING_BASE_URI: voting,
      RECOMMENDATION_BASE_URI: recommendation,
    },
  });
  return platform;
}

if (require.main === module) {
  runMain('synth', () => {
    craftista(new App()).synth();
  });
}
