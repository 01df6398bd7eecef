/**
 * The locked-down security contexts every pod the platform renders uses: the `restricted` Pod
 * Security Standard (non-root with a fixed numeric user, RuntimeDefault seccomp, read-only root
 * filesystem, no privilege escalation, every capability dropped).
 */
export function restrictedPodSecurityContext(uid: number) {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** The container half of the restricted profile (see `restrictedPodSecurityContext`). */
export function restrictedContainerSecurityContext() {
  return {
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  };
}
