// Operator module (placeholder until its issue lands).
