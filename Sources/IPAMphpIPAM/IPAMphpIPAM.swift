// IPAMphpIPAM module (placeholder until its issue lands).
