// Agent module (placeholder until its issue lands).
