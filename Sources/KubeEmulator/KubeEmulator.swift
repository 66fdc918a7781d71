// KubeEmulator module (placeholder until its issue lands).
