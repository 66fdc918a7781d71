// OpsServer module (placeholder until its issue lands).
