// OverlayAPI module (placeholder until its issue lands).
