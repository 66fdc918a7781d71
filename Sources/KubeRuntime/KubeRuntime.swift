// KubeRuntime module (placeholder until its issue lands).
