import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { JobTemplate, JobTemplateProps } from '../lib';
import { NEVER } from '../lib/constructs/job-template';
import { toYaml } from '../lib/core/yaml';
import { kustomizeSync } from '../lib/kube/kubectl';
import { tempDir, testChart } from './support';

const TRAINER: JobTemplateProps = {
  namespace: 'training',
  image: 'vision/trainer',
  resources: { cpu: '2', memory: '4Gi', cpuLimit: '4', memoryLimit: '8Gi' },
  command: ['python', '-m', 'trainer'],
  variables: { STORAGE_TYPE: 'minio' },
};

describe('JobTemplate', () => {
  test('renders a suspended CronJob whose Jobs run once with the given resources', () => {
    // GIVEN a trainer template
    const chart = testChart();
    new JobTemplate(chart, 'trainer', TRAINER);
    // WHEN synthesized
    const [cronJob] = Testing.synth(chart);
    // THEN it never runs on its own and its pods are restricted, run-once and sized
    expect(cronJob.kind).toBe('CronJob');
    expect(cronJob.metadata).toMatchObject({ name: 'trainer', namespace: 'training' });
    expect(cronJob.spec).toMatchObject({ schedule: NEVER, suspend: true, concurrencyPolicy: 'Forbid' });
    expect(cronJob.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, ttlSecondsAfterFinished: 86400 });
    const pod = cronJob.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.containers[0].resources).toEqual({
      requests: { cpu: '2', memory: '4Gi' },
      limits: { cpu: '4', memory: '8Gi' },
    });
    expect(pod.containers[0].env).toEqual([{ name: 'STORAGE_TYPE', value: 'minio' }]);
    expect(pod.containers[0].securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('its image tag is pinned by the overlay, like a Deployment, with the real Kustomize', () => {
    // GIVEN the template in a base and a kustomization that pins its tag
    const chart = testChart();
    new JobTemplate(chart, 'trainer', TRAINER);
    const dir = tempDir('job-template-');
    fs.writeFileSync(path.join(dir, 'cronjob.yaml'), toYaml(Testing.synth(chart)[0]));
    fs.writeFileSync(
      path.join(dir, 'kustomization.yaml'),
      toYaml({ resources: ['cronjob.yaml'], images: [{ name: 'vision/trainer', newTag: '1.2.0' }] }),
    );
    // WHEN rendered
    const [cronJob] = kustomizeSync(dir) as any[];
    // THEN the pinned image reaches the Job template
    expect(cronJob.spec.jobTemplate.spec.template.spec.containers[0].image).toBe('vision/trainer:1.2.0');
  });

  test('fails when the namespace is not a DNS-1123 label', () => {
    expect(() => new JobTemplate(testChart(), 'trainer', { ...TRAINER, namespace: 'Training' })).toThrow(
      `[test/trainer] namespace must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with an alphanumeric, at most 63 characters), got "Training"`,
    );
  });

  test('fails when backoffLimit is negative', () => {
    expect(() => new JobTemplate(testChart(), 'trainer', { ...TRAINER, backoffLimit: -1 })).toThrow(
      '[test/trainer] backoffLimit must be >= 0, got -1',
    );
  });

  test('fails when a resource is not a quantity', () => {
    expect(
      () => new JobTemplate(testChart(), 'trainer', { ...TRAINER, resources: { cpu: 'two', memory: '4Gi' } }),
    ).toThrow('[test/trainer] cpu request must be a Kubernetes quantity such as 500m, 0.5, 128Mi or 1Gi, got "two"');
  });
});
