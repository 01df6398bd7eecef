import { CheckId, RawFinding } from './findings';
import { allContainers, PodTemplate, podTemplateOf, selects } from './pods';
import { K8sObject } from '../kube/object';

/** Options of the cross-reference checks. */
export interface CrossReferenceOptions {
  /** Secrets created outside the rendered manifests (by hand or by an operator not modelled here). */
  readonly externalSecrets?: readonly string[];
}

/**
 * Checks that references between the objects of one rendered environment resolve: Service
 * selectors and target ports, HPA/PDB targets, ConfigMap/Secret/ServiceAccount references,
 * Ingress backends and NetworkPolicy selectors.
 */
export function checkCrossReferences(objects: readonly K8sObject[], options: CrossReferenceOptions = {}): RawFinding[] {
  const findings: RawFinding[] = [];
  const ns = (o: K8sObject) => o.metadata.namespace ?? '';
  const pods = objects.map(podTemplateOf).filter((p): p is PodTemplate => p !== undefined);
  const podsIn = (namespace: string) => pods.filter((p) => ns(p.owner) === namespace);
  const named = (kind: string, namespace: string) =>
    new Set(objects.filter((o) => o.kind === kind && ns(o) === namespace).map((o) => o.metadata.name));
  const producedSecrets = (namespace: string) => {
    const names = named('Secret', namespace);
    for (const o of objects) {
      if (ns(o) !== namespace) continue;
      const spec = o.spec as Record<string, any> | undefined;
      if (o.kind === 'ExternalSecret') names.add(spec?.target?.name ?? o.metadata.name);
      if (o.kind === 'Certificate' && spec?.secretName) names.add(spec.secretName);
      if (o.kind === 'SealedSecret') names.add(o.metadata.name);
      // The MongoDB Community operator writes each user's connection string to <name>-<db>-<user>.
      if (o.kind === 'MongoDBCommunity') {
        for (const user of spec?.users ?? []) names.add(`${o.metadata.name}-${user.db}-${user.name}`);
      }
    }
    for (const name of options.externalSecrets ?? []) names.add(name);
    return names;
  };

  for (const service of objects.filter((o) => o.kind === 'Service')) {
    const spec = service.spec as Record<string, any>;
    if (!spec?.selector || spec.type === 'ExternalName') continue;
    const matched = podsIn(ns(service)).filter((p) => selects(spec.selector, p.labels));
    if (matched.length === 0) {
      findings.push({
        object: service,
        check: 'service-no-pods',
        message: `selector ${JSON.stringify(spec.selector)} matches no pod template`,
      });
      continue;
    }
    for (const port of spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const ok = matched.some((p) =>
        (p.spec.containers ?? []).some((c) =>
          (c.ports ?? []).some((cp) => (typeof target === 'string' ? cp.name === target : cp.containerPort === target)),
        ),
      );
      if (!ok) {
        findings.push({
          object: service,
          check: 'service-target-port',
          message: `port ${port.name ?? port.port} targets ${JSON.stringify(target)}, which no selected container exposes`,
        });
      }
    }
  }

  for (const hpa of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = (hpa.spec as Record<string, any>)?.scaleTargetRef ?? {};
    if (!objects.some((o) => o.kind === ref.kind && o.metadata.name === ref.name && ns(o) === ns(hpa))) {
      findings.push({
        object: hpa,
        check: 'hpa-target',
        message: `scaleTargetRef ${ref.kind}/${ref.name} does not exist in namespace ${ns(hpa)}`,
      });
    }
  }

  for (const pdb of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const selector = (pdb.spec as Record<string, any>)?.selector;
    if (!podsIn(ns(pdb)).some((p) => selects(selector, p.labels))) {
      findings.push({
        object: pdb,
        check: 'pdb-target',
        message: `selector ${JSON.stringify(selector)} matches no pod template`,
      });
    }
  }

  for (const pod of pods) {
    const namespace = ns(pod.owner);
    const configMaps = named('ConfigMap', namespace);
    const secrets = producedSecrets(namespace);
    const accounts = named('ServiceAccount', namespace).add('default');
    const missing = (check: CheckId, kind: string, name: string, where: string) =>
      findings.push({
        object: pod.owner,
        check,
        message: `${where} references ${kind} ${name}, which does not exist in namespace ${namespace}`,
      });
    for (const c of allContainers(pod.spec)) {
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef && !source.configMapRef.optional && !configMaps.has(source.configMapRef.name)) {
          missing('config-ref', 'ConfigMap', source.configMapRef.name, `container ${c.name} envFrom`);
        }
        if (source.secretRef && !source.secretRef.optional && !secrets.has(source.secretRef.name)) {
          missing('secret-ref', 'Secret', source.secretRef.name, `container ${c.name} envFrom`);
        }
      }
      for (const e of c.env ?? []) {
        const cm = e.valueFrom?.configMapKeyRef;
        const secret = e.valueFrom?.secretKeyRef;
        if (cm && !cm.optional && !configMaps.has(cm.name))
          missing('config-ref', 'ConfigMap', cm.name, `container ${c.name} env ${e.name}`);
        if (secret && !secret.optional && !secrets.has(secret.name))
          missing('secret-ref', 'Secret', secret.name, `container ${c.name} env ${e.name}`);
      }
    }
    for (const v of pod.spec.volumes ?? []) {
      if (v.configMap && !v.configMap.optional && !configMaps.has(v.configMap.name))
        missing('config-ref', 'ConfigMap', v.configMap.name, `volume ${v.name}`);
      if (v.secret && !v.secret.optional && !secrets.has(v.secret.secretName))
        missing('secret-ref', 'Secret', v.secret.secretName, `volume ${v.name}`);
    }
    const account = pod.spec.serviceAccountName;
    if (account && !accounts.has(account))
      missing('service-account-ref', 'ServiceAccount', account, 'serviceAccountName');
  }

  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const spec = ingress.spec as Record<string, any>;
    const backends = [
      spec?.defaultBackend,
      ...(spec?.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend)),
    ];
    for (const backend of backends.filter((b) => b?.service)) {
      const service = objects.find(
        (o) => o.kind === 'Service' && o.metadata.name === backend.service.name && ns(o) === ns(ingress),
      );
      const port = backend.service.port ?? {};
      if (!service) {
        findings.push({
          object: ingress,
          check: 'ingress-backend',
          message: `backend Service ${backend.service.name} does not exist in namespace ${ns(ingress)}`,
        });
      } else if (
        !((service.spec as any)?.ports ?? []).some((p: any) =>
          port.name !== undefined ? p.name === port.name : p.port === port.number,
        )
      ) {
        findings.push({
          object: ingress,
          check: 'ingress-backend',
          message: `backend Service ${backend.service.name} has no port ${port.name ?? port.number}`,
        });
      }
    }
  }

  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const spec = policy.spec as Record<string, any>;
    const selectors: [string, Record<string, any>][] = [];
    if (spec?.podSelector && Object.keys(spec.podSelector).length > 0)
      selectors.push(['spec.podSelector', spec.podSelector]);
    for (const [dir, rules] of [
      ['ingress', spec?.ingress],
      ['egress', spec?.egress],
    ] as const) {
      (rules ?? []).forEach((rule: any, i: number) => {
        (rule.from ?? rule.to ?? []).forEach((peer: any, j: number) => {
          if (peer.podSelector && !peer.namespaceSelector && Object.keys(peer.podSelector).length > 0) {
            selectors.push([
              `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}[${j}].podSelector`,
              peer.podSelector,
            ]);
          }
        });
      });
    }
    for (const [where, selector] of selectors) {
      if (!podsIn(ns(policy)).some((p) => selects(selector, p.labels))) {
        findings.push({
          object: policy,
          check: 'network-policy-selector',
          message: `${where} ${JSON.stringify(selector)} matches no pod template`,
        });
      }
    }
  }
  return findings;
}
