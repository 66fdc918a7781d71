// HTTP module (placeholder until its issue lands).
