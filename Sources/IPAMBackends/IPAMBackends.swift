// IPAMBackends module (placeholder until its issue lands).
