// OverlayIPAMCommands module (placeholder until its issue lands).
