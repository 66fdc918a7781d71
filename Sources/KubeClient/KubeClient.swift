// KubeClient module (placeholder until its issue lands).
