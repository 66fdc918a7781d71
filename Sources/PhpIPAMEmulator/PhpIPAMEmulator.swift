// PhpIPAMEmulator module (placeholder until its issue lands).
